/**
 * The error codes an agent may see in a tool error's `structuredContent.error.code`: one catalog, so a code is
 * a contract rather than a loose string. `ToolError` accepts only these (checked at compile time); the README's
 * error-code table is this catalog, and a test keeps the two equal.
 * Each entry: what the code means, and what the agent (or its operator) does about it.
 */
export const ERROR_CODES = {
  // Arguments the caller sent
  INVALID_ARGUMENTS: { means: 'the arguments contradict each other or miss a combination the tool needs', next: 'correct the arguments as the message says and call again' },
  INVALID_INPUT: { means: 'an argument is valid on its own but not with the others (e.g. both endpoint and model_service)', next: 'pass the one the message names and call again' },
  INVALID_IDENTIFIER: { means: 'a catalog, schema or table name is not a valid Unity Catalog name', next: 'pass catalog.schema.table with plain or back-quoted parts' },
  INVALID_TIME_WINDOW: { means: 'since/until is not an ISO instant, or since is not before until', next: 'pass ISO dates or timestamps (UTC) with since before until' },
  CURSOR_INVALID: { means: 'the cursor is damaged, from another server run, or for other filters', next: 'call again without cursor (or with the same filters it came from)' },
  PATH_OUTSIDE_ROOT: { means: 'a file path points outside the directory the server may read', next: 'pass a path inside the working directory (or AIGW_STATE_FILE)' },
  // Files the server reads or writes
  FILE_UNREADABLE: { means: 'a file could not be opened or read', next: 'check the path and its permissions' },
  FILE_TOO_LARGE: { means: 'a file is larger than the server reads', next: 'pass the file itself, not a bundle or log' },
  FILE_NOT_TEXT: { means: 'a file is binary, not YAML, JSON or Markdown text', next: 'pass the text file itself' },
  FILE_NOT_REGULAR: { means: 'the path is a directory, device or pipe, not a file', next: 'pass the path of a regular file' },
  CONFIG_FILE_SYNTAX: { means: 'the create-body file is not valid JSON or YAML', next: 'fix the syntax at the line named, then call again' },
  CONFIG_FILE_TOO_MANY_VALUES: { means: 'the create-body YAML expands to too many values (alias bomb)', next: 'write the body out without YAML aliases' },
  PRICES_INVALID: { means: 'the prices input or AIGW_PRICES_FILE is not a valid price table', next: 'fix the entry named (dollars per million input/output tokens)' },
  PRICES_MISSING: { means: 'a budget was asked for but no prices are known', next: 'pass prices or set AIGW_PRICES_FILE' },
  // The workshop state file
  STATE_FILE_NOT_FOUND: { means: 'no state file at the path given or at the default places', next: 'pass state_file, set AIGW_STATE_FILE, or run the Phase 1.2 steps that write it' },
  STATE_FILE_UNRESOLVED: { means: 'AIGW_STATE_FILE holds {user}, and only a Databricks App call names a user', next: 'pass state_file with the path itself' },
  STATE_FILE_SYNTAX: { means: 'the state file is not valid YAML', next: 'fix the YAML at the line named' },
  STATE_FILE_TOO_MANY_VALUES: { means: 'the state YAML expands to too many values (alias bomb)', next: 'write the state out without YAML aliases' },
  STATE_FILE_SHAPE: { means: 'a state key has the wrong shape', next: 'fix the key named as the examples/ state files show' },
  STATE_FILE_NO_YAML: { means: 'the Markdown state file holds no YAML block', next: 'pass the workshop state file, or add its fenced yaml block' },
  STATE_FILE_EMPTY: { means: 'the state file is empty', next: 'run the Phase 1.2 steps that fill it' },
  STATE_FILE_NOT_STATE: { means: 'the file has neither llm_role_endpoints nor endpoint_guardrail_audit', next: 'pass the workshop state file, or run the Phase 1.2 steps' },
  STATE_FILE_NO_AUDIT: { means: 'the state file has no endpoint_guardrail_audit', next: 'run the endpoint_guardrail_audit step first' },
  STATE_KEY_MISSING: { means: 'the state file lacks the section asked for', next: 'run the workshop step that writes it' },
  STATE_FILE_LOCKED: { means: 'another process holds the state file lock', next: 'wait for the other apply to finish, then call again' },
  STATE_FILE_LAYOUT: { means: 'the state file could not be updated without rewriting other state (unusual YAML layout)', next: 'add the key by hand or convert that part to block-style YAML' },
  STATE_FILE_UNWRITABLE: { means: 'the state file could not be written', next: 'check its permissions and free disk space, then apply again' },
  STATE_CHANGED: { means: 'a workspace or volume state file changed between the write reading it and writing it', next: 'call again (plan and apply again after create_gateway): the next write keeps the other change' },
  STATE_FILE_LOCAL_IN_APP: { means: 'a local state file was named under Databricks Apps, where only workspace and volume paths last', next: 'pass a /Workspace/… or /Volumes/… path, or set AIGW_STATE_FILE in app.yaml' },
  STATE_FILE_NEEDS_USER_TOKEN: { means: "a workspace or volume state file was named under Databricks Apps without the caller's own token", next: 'turn on user authorization for the app (user_api_scopes), then sign in again' },
  STATE_FILE_PATH_INVALID: { means: 'a workspace or volume path is not absolute and plain, or a volume path names no file', next: 'pass the full path, e.g. /Workspace/Users/<you>/<project>/.vibecoding-state.md' },
  // Plans and applies
  PLAN_ID_MISSING: { means: 'mode apply was called without a plan_id', next: 'call with mode plan first, then apply with its plan_id' },
  PLAN_ID_UNKNOWN: { means: 'the plan_id was not issued by this server (or it restarted without AIGW_PLAN_SECRET)', next: 'plan again and apply the new plan_id' },
  PLAN_ID_EXPIRED: { means: 'the plan is older than its time to live', next: 'plan again and apply the new plan_id' },
  PLAN_ID_NOT_YOURS: { means: 'the plan was made by another caller or for other arguments', next: 'plan again with the arguments you will apply' },
  PLAN_ID_STALE: { means: 'the workspace changed since the plan was made', next: 'plan again, review the new changes, then apply' },
  PLAN_SECRET_WEAK: { means: 'AIGW_PLAN_SECRET is shorter than 32 characters', next: 'the operator sets a longer random AIGW_PLAN_SECRET or unsets it' },
  APPLY_IN_PROGRESS: { means: 'another apply to the same target is running in this server', next: 'wait for it to finish, then plan again' },
  CONFIG_UPDATE_IN_PROGRESS: { means: "the endpoint's own config update is still running", next: 'wait until config_update is NOT_UPDATING, then plan again' },
  CONFIG_UPDATE_FAILED: { means: 'the workspace rejected or rolled back the config update', next: 'read the reason, fix the body, validate and plan again' },
  ALERT_AMBIGUOUS: { means: 'more than one SQL alert has the name this server would use', next: 'delete or rename the duplicates in the workspace, then apply again' },
  INTERNAL: { means: 'the server reached a state its rules say cannot happen', next: 'report it with the arguments; run read_audit meanwhile' },
  // The workspace and its settings
  WORKSPACE_NOT_CONFIGURED: { means: 'no usable Databricks host or credentials are set', next: 'the operator sets DATABRICKS_HOST and a token or OAuth client (or a profile)' },
  SETTINGS_ENCRYPTED: { means: 'a setting arrived encrypted and could not be read', next: 'the operator fixes the setting named, then call again' },
  AUTH_FAILED: { means: 'the OAuth token request was refused', next: 'the operator checks the client id and secret (or the profile)' },
  WORKSPACE_UNREACHABLE: { means: 'the workspace could not be reached (DNS, refused, TLS, timeout)', next: 'check DATABRICKS_HOST, the network and NODE_EXTRA_CA_CERTS' },
  WORKSPACE_BAD_RESPONSE: { means: 'the workspace answered with something that is not JSON (a proxy or login page)', next: 'check that DATABRICKS_HOST is the workspace URL' },
  UNITY_GATEWAY_UNAVAILABLE: { means: 'the workspace does not answer the Unity AI Gateway API', next: 'ask an admin to enable the preview, or use target serving_endpoint' },
  ENDPOINT_NOT_FOUND: { means: 'the serving endpoint or model service does not exist', next: 'check the name (case-sensitive), or pass the table/config instead' },
  GRANT_REFUSED: { means: 'the workspace refused a Unity Catalog grant', next: 'ask the catalog or schema owner for MANAGE, or grant by hand as the message says' },
  GRANTS_TOO_MANY_PAGES: { means: 'the grants list did not end within the pages the server reads', next: 'report it; check the grants in Catalog Explorer meanwhile' },
  ALERTS_TOO_MANY_PAGES: { means: 'the SQL alerts list did not end within the pages the server reads', next: 'report it; check the alerts in the workspace meanwhile' },
  'DATABRICKS_*': { means: "the workspace refused a REST call; the rest of the code is Databricks's own error_code (e.g. DATABRICKS_PERMISSION_DENIED)", next: 'follow the next step in the message (grant, name, retry or fix the field)' },
  // The SQL warehouse and the tables it reads
  WAREHOUSE_NOT_CONFIGURED: { means: 'no SQL warehouse id is known', next: 'pass warehouse_id or set DATABRICKS_WAREHOUSE_ID' },
  USAGE_NOT_READABLE: { means: 'no usage table this principal may read', next: 'ask an admin for USE SCHEMA and SELECT on system.serving or system.ai_gateway' },
  USAGE_SOURCE_UNSUPPORTED: { means: 'usage_table lacks the columns of a usage table', next: 'pass a usage table with per-request token counts, or use a system source' },
  PAYLOAD_TABLE_NOT_FOUND: { means: "the endpoint's payload table does not exist yet or is not visible", next: 'wait for first traffic (up to an hour), or pass table' },
  PAYLOAD_TABLE_AMBIGUOUS: { means: 'more than one table could be the payload table', next: 'pass table as catalog.schema.table' },
  INFERENCE_TABLE_DISABLED: { means: 'the endpoint has no inference table turned on', next: 'turn it on with create_gateway, or pass table' },
  UNREDACTED_NOT_ALLOWED: { means: 'redact false was asked for but the operator has not allowed it', next: 'call again without redact, or ask the operator for AIGW_ALLOW_UNREDACTED=1' },
  SQL_PERMISSION: { means: 'the warehouse refused a table or the warehouse itself', next: 'ask for CAN USE on the warehouse and SELECT on the table named' },
  SQL_NOT_FOUND: { means: 'a table the statement reads does not exist', next: 'check the catalog, schema and table names' },
  SQL_NO_WAREHOUSE: { means: 'the SQL warehouse id does not exist', next: "pass the id at the end of the warehouse's HTTP path" },
  SQL_SYNTAX: { means: 'the warehouse rejected a statement this server built', next: 'report it with the sql shown' },
  SQL_TIMEOUT: { means: 'the statement ran past its time limit', next: 'narrow the window or add filters, then retry' },
  SQL_CANCELLED: { means: 'the statement was cancelled with the request', next: 'nothing; call again when needed' },
  SQL_AUTH: { means: 'the warehouse refused the credentials', next: 'the operator checks the token or OAuth client' },
  SQL_CONNECTION: { means: 'the warehouse could not be reached', next: 'check that it is running and DATABRICKS_HOST is right, then retry' },
  SQL_NO_RESULT: { means: 'the statement returned no result set', next: 'retry once; report it if it persists' },
  SQL_FAILED: { means: 'the statement failed on the warehouse', next: 'retry once; narrow the query or check the warehouse state' },
  // The result itself
  RESULT_TOO_LARGE: { means: 'the result does not fit the result budget even after shrinking', next: 'narrow the request: shorter window, more filters, smaller limit' },
  UNEXPECTED: { means: 'a failure no code path anticipated (a defect)', next: 'retry once; if it fails again, report it with the arguments' },
} as const satisfies Record<string, { means: string; next: string }>;

/** Every code a `ToolError` may carry: the catalog's, with `DATABRICKS_*` standing for the workspace's own codes. */
export type ErrorCode = Exclude<keyof typeof ERROR_CODES, 'DATABRICKS_*'> | `DATABRICKS_${string}`;
