/** The built usage view: one HTML file that scripts/build-view.mjs makes from src/ui/view and the server bundle embeds. */
declare module 'ai-gateway-mcp:usage-view-html' {
  const html: string;
  export default html;
}
