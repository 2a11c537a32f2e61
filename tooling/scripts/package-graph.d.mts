/** name → its @xqg runtime dependencies, for every published package of packages/ and apps/. */
export function packageGraph(root?: string): Map<string, string[]>;
/** The graph as a fenced Mermaid block. */
export function mermaid(graph: Map<string, string[]>): string;
/** `markdown` with the diagram between the package-graph markers. */
export function withGraph(markdown: string, diagram: string): string;
