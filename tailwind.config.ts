import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: { 50: "#eef6ff", 100: "#d9eaff", 500: "#2f6fdf", 600: "#1f5bc4", 700: "#1a4a9e", 900: "#14305f" },
      },
    },
  },
  plugins: [],
} satisfies Config;
