// Header names: compact forms (RFC 3261 §7.3.3 and the RFCs that added more), case-insensitive
// matching, and the canonical spelling a serializer writes.

/** The compact forms, by their letter. */
export const COMPACT: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

/** Every header name given a canonical spelling. */
export const KNOWN = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
  'Event', 'Expires', 'From', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'MIME-Version',
  'Min-Expires', 'Min-SE', 'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Priority',
  'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To', 'Request-Disposition', 'Require',
  'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server', 'Security-Verify', 'Server',
  'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject', 'Subscription-State',
  'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning', 'WWW-Authenticate',
];
const CANONICAL = new Map<string, string>(KNOWN.map((name) => [name.toLowerCase(), name]));

/** The canonical name of a header as written (compact forms expanded; unknown names kept as written). */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT[lower];
    if (long !== undefined) return long;
  }
  return CANONICAL.get(lower) ?? name;
}

/** The key to compare header names by: the lowercase canonical name. */
export function headerKey(name: string): string {
  return canonicalName(name).toLowerCase();
}

/**
 * Headers that are not comma-separated lists (RFC 3261 §7.3.1: the authentication headers, and
 * those whose values may contain unquoted commas, such as Date).
 */
export const NOT_LISTS = new Set(['authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate', 'date', 'call-id', 'cseq', 'subject', 'user-agent', 'server', 'organization', 'timestamp', 'retry-after', 'content-length', 'max-forwards', 'expires', 'min-expires', 'content-type', 'rseq', 'rack', 'session-expires', 'min-se', 'subscription-state', 'event', 'refer-to', 'from', 'to', 'identity', 'identity-info', 'sip-etag', 'sip-if-match', 'mime-version', 'priority', 'replaces', 'referred-by']);
