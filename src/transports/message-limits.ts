/**
 * How large one MCP message from a client may be, on either transport. Tool arguments are small (paths, names,
 * a create body); a megabyte is generous and bounds the memory one message can take.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
