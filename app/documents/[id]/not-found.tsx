import { NotFoundMessage } from "@/components/ui/not-found-message";

export default function DocumentNotFound() {
  return (
    <NotFoundMessage title="Document not found" href="/library" linkLabel="Go to the library">
      It was deleted from the library, so its pages can no longer be shown. Answers that cited it still quote the passage.
    </NotFoundMessage>
  );
}
