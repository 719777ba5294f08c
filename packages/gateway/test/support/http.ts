// The gateway's HTTP API as the tests call it: JSON in, JSON out, a bearer token per call.

/** An answer of the HTTP API: its status, and its JSON body (`{}` when empty). */
export interface ApiAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** A caller of the HTTP API on 127.0.0.1:`port`; `body`, when given, is sent as JSON. */
export function apiCaller(port: number): (method: string, path: string, token: string, body?: unknown) => Promise<ApiAnswer> {
  return async (method, path, token, body) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
}
