/** A thin progress bar; without `value` it is indeterminate (an animated stripe). */
export function ProgressBar({ value, label, tone = "indigo" }: { value?: number; label: string; tone?: "indigo" | "zinc" }) {
  const percent = value === undefined ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  const fill = tone === "indigo" ? "bg-indigo-500" : "bg-zinc-400";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className="relative h-1.5 w-full max-w-48 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      {percent === undefined ? (
        <div className={`absolute inset-y-0 w-1/3 animate-[progress-slide_1.2s_ease-in-out_infinite] rounded-full ${fill}`} />
      ) : (
        <div className={`h-full rounded-full ${fill} transition-[width] duration-300`} style={{ width: `${percent}%` }} />
      )}
    </div>
  );
}
