import ReactMarkdown from "react-markdown";

type Node = { type: string; value?: string; children?: Node[] };

/** Raw HTML in the text becomes plain text: shown as typed, never parsed as markup. */
function htmlAsText() {
  const walk = (node: Node) => {
    if (node.type === "html") node.type = "text";
    node.children?.forEach(walk);
  };
  return (tree: Node) => walk(tree);
}

/**
 * Markdown written by people (exercise instructions, task texts), rendered safely: raw HTML is
 * never rendered (it is shown inert, as text), and link and image URLs go through
 * react-markdown's default filter, which drops `javascript:` and other unsafe protocols.
 * react-markdown is pinned (package.json) because it renders to React elements without
 * `dangerouslySetInnerHTML`.
 */
export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={className ?? "prose-tandem space-y-2 text-sm leading-6 text-slate-800"}>
      <ReactMarkdown
        remarkPlugins={[htmlAsText]}
        components={{
          a: ({ children: c, href }) => (
            <a href={href} className="text-brand-700 underline" rel="noopener noreferrer nofollow" target="_blank">
              {c}
            </a>
          ),
          ul: ({ children: c }) => <ul className="list-disc space-y-1 pl-5">{c}</ul>,
          ol: ({ children: c }) => <ol className="list-decimal space-y-1 pl-5">{c}</ol>,
          h1: ({ children: c }) => <h3 className="text-base font-semibold">{c}</h3>,
          h2: ({ children: c }) => <h3 className="text-base font-semibold">{c}</h3>,
          h3: ({ children: c }) => <h4 className="font-semibold">{c}</h4>,
          img: ({ alt }) => <span className="italic text-slate-500">[image: {alt}]</span>,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
