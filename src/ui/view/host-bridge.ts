/**
 * The view's side of MCP Apps (SEP-1865, revision 2026-01-26): JSON-RPC 2.0 over postMessage with the host
 * window. The view asks `ui/initialize`, confirms with `ui/notifications/initialized`, then receives the tool's
 * input and result as notifications and may call tools through the host (`tools/call`).
 *
 * Why not the official `App` class of @modelcontextprotocol/ext-apps: it extends the MCP SDK's Protocol and
 * validates with zod, which bundles to about 650 KB (320 KB with every unused zod locale cut out), over the
 * view's 300 KB budget on its own. The view needs a handful of the protocol's messages, and this file is them.
 * The end-to-end test drives it through the official host-side AppBridge, which holds both to one wire format.
 */

export const PROTOCOL_VERSION = '2026-01-26';

type Json = Record<string, unknown>;

export interface HostContext {
  theme?: 'light' | 'dark';
  styles?: { variables?: Record<string, string | undefined> };
  locale?: string;
}

export interface HostInitialized {
  protocolVersion: string;
  hostCapabilities?: { serverTools?: Json };
  hostContext?: HostContext;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Json;
  isError?: boolean;
}

export interface ViewEvents {
  toolInput(args: Json): void;
  toolResult(result: ToolResult): void;
  toolCancelled(reason: string | undefined): void;
  hostContextChanged(change: HostContext): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class HostBridge {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly host: Window,
    private readonly events: ViewEvents,
  ) {}

  async connect(appInfo: { name: string; version: string }): Promise<HostInitialized> {
    window.addEventListener('message', this.receive);
    const initialized = (await this.request('ui/initialize', { appInfo, appCapabilities: {}, protocolVersion: PROTOCOL_VERSION })) as HostInitialized;
    this.notify('ui/notifications/initialized', {});
    return initialized;
  }

  callTool(name: string, args: Json): Promise<ToolResult> {
    return this.request('tools/call', { name, arguments: args }) as Promise<ToolResult>;
  }

  /** Hosts size the frame to the view's content (flexible container dimensions). */
  reportSize(width: number, height: number): void {
    this.notify('ui/notifications/size-changed', { width, height });
  }

  private request(method: string, params: Json): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ jsonrpc: '2.0', id, method, params });
    });
  }

  private notify(method: string, params: Json): void {
    this.post({ jsonrpc: '2.0', method, params });
  }

  private post(message: Json): void {
    // The view runs in a sandboxed frame whose origin is opaque: the host window is the only peer, checked on receipt.
    this.host.postMessage(message, '*');
  }

  private readonly receive = (event: MessageEvent): void => {
    if (event.source !== this.host) return;
    const message = event.data as Json | null;
    if (!message || typeof message !== 'object' || message.jsonrpc !== '2.0') return;
    const { id, method } = message;
    if (typeof method !== 'string') {
      this.settle(id, message);
      return;
    }
    if (id !== undefined) this.answer(id, method);
    else this.dispatch(method, (message.params ?? {}) as Json);
  };

  private settle(id: unknown, message: Json): void {
    const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!pending) return;
    this.pending.delete(id as number);
    const error = message.error as { message?: string } | undefined;
    if (error) pending.reject(new Error(error.message ?? 'the host refused the request'));
    else pending.resolve(message.result);
  }

  /** The host's requests: liveness and teardown need no work here; anything else is not implemented. */
  private answer(id: unknown, method: string): void {
    if (method === 'ping' || method === 'ui/resource-teardown') this.post({ jsonrpc: '2.0', id, result: {} });
    else this.post({ jsonrpc: '2.0', id, error: { code: -32601, message: `the usage view does not handle ${method}` } });
  }

  private dispatch(method: string, params: Json): void {
    switch (method) {
      case 'ui/notifications/tool-input':
        this.events.toolInput((params.arguments ?? {}) as Json);
        break;
      case 'ui/notifications/tool-result':
        this.events.toolResult(params as ToolResult);
        break;
      case 'ui/notifications/tool-cancelled':
        this.events.toolCancelled(typeof params.reason === 'string' ? params.reason : undefined);
        break;
      case 'ui/notifications/host-context-changed':
        this.events.hostContextChanged(params as HostContext);
        break;
      default:
        // Partial tool input and future notifications carry nothing this view draws.
        break;
    }
  }
}
