import { clsx } from "clsx";
import ReactMarkdown, { type Components } from "react-markdown";

/**
 * Markdown written by people (journal entries, goals, exercise instructions, reflections),
 * rendered safely: react-markdown builds React elements from the Markdown syntax tree and never
 * renders raw HTML (`<script>` and other tags are shown as typed, as plain text: `htmlAsText`), and links are limited to
 * http(s), mailto and relative URLs (react-markdown's `defaultUrlTransform` drops `javascript:`).
 * Images are shown as their alt text, so a journal cannot make the reader's browser fetch a
 * third-party URL.
 */
const components: Components = {
  a: ({ node: _node, ...props }) => (
    <a {...props} className="text-brand-700 underline" rel="noopener noreferrer nofollow" target="_blank" />
  ),
  img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : "[image]"}</span>,
  h1: ({ node: _node, ...props }) => <p {...props} className="text-base font-semibold" />,
  h2: ({ node: _node, ...props }) => <p {...props} className="text-base font-semibold" />,
  h3: ({ node: _node, ...props }) => <p {...props} className="font-semibold" />,
  ul: ({ node: _node, ...props }) => <ul {...props} className="list-disc pl-5" />,
  ol: ({ node: _node, ...props }) => <ol {...props} className="list-decimal pl-5" />,
  blockquote: ({ node: _node, ...props }) => (
    <blockquote {...props} className="border-l-4 border-slate-200 pl-3 text-slate-600" />
  ),
  code: ({ node: _node, ...props }) => <code {...props} className="rounded bg-slate-100 px-1 text-[0.9em]" />,
};

type Node = { type: string; value?: string; children?: Node[] };

/** Raw HTML in the text becomes plain text: shown as typed, never parsed as markup. */
function htmlAsText() {
  const walk = (node: Node) => {
    if (node.type === "html") node.type = "text";
    node.children?.forEach(walk);
  };
  return (tree: Node) => walk(tree);
}

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={clsx("space-y-2 break-words text-sm leading-6 text-slate-800", className)}>
      <ReactMarkdown remarkPlugins={[htmlAsText]} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
