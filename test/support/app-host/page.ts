/**
 * The host side of MCP Apps, in the browser: the official AppBridge of @modelcontextprotocol/ext-apps talks to
 * the view in a sandboxed frame (opaque origin, scripts only, as hosts frame untrusted views). Tool calls the
 * view makes leave through `window.hostCallTool`, which the test exposes from Node and answers with the real
 * MCP client connected to the built server.
 */
import { AppBridge, PostMessageTransport, type McpUiHostContext } from '@modelcontextprotocol/ext-apps/app-bridge';

interface Harness {
  mount(html: string, hostContext: McpUiHostContext, width: number): Promise<void>;
  deliver(args: Record<string, unknown>, result: unknown): Promise<void>;
  setHostContext(hostContext: McpUiHostContext): void;
}

declare global {
  interface Window {
    hostCallTool(params: unknown): Promise<never>;
    harness: Harness;
  }
}

let bridge: AppBridge | undefined;

window.harness = {
  async mount(html, hostContext, width) {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.title = 'query_usage view';
    frame.style.cssText = `display:block;border:0;width:${width}px;height:200px`;
    document.body.append(frame);
    const view = frame.contentWindow!;
    const host = new AppBridge(null, { name: 'usage-view-test-host', version: '1.0.0' }, { serverTools: {} }, { hostContext });
    host.oncalltool = (params) => window.hostCallTool(params);
    host.onsizechange = ({ height }) => {
      if (height) frame.style.height = `${height}px`;
    };
    const initialized = new Promise<void>((resolve) => {
      host.oninitialized = () => resolve();
    });
    // Listen before the view's document exists, so its ui/initialize cannot arrive unheard.
    await host.connect(new PostMessageTransport(view, view));
    frame.srcdoc = html;
    await initialized;
    bridge = host;
  },
  async deliver(args, result) {
    await bridge!.sendToolInput({ arguments: args });
    await bridge!.sendToolResult(result as never);
  },
  setHostContext(hostContext) {
    bridge!.setHostContext(hostContext);
  },
};
