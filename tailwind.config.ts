import type { Config } from "tailwindcss";

// Tailwind 4 reads its theme from CSS (app/globals.css, loaded via `@config`);
// this file only names the content roots and the dark-mode strategy.
const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "media",
};

export default config;
