// The PostgreSQL store's statements that run for every MESSAGE after its submit, each written for a
// group of operations at once (grouped-statement.ts): a settled outbound row with its receipt
// record, a receipt's record taken, a message stored for a SIP user, a user's bindings read. The
// groups travel as one JSON parameter (no array types are fetched from the server), and keys are
// matched with `= ANY(ARRAY(…))`, which the planner takes to the index (an `IN (SELECT …)` of a
// JSON function's rows was planned as a scan of the whole table).
import type postgres from 'postgres';
import { toBinding, toSent, type BindingRow, type SentRow } from './store-rows.js';
import type { Binding, PendingMessage, SentMessage } from './store.js';

type Sql = postgres.Sql;

/** A time as the BIGINT columns hold it: whole milliseconds (a clock may give fractions). */
const ms = (time: number): number => Math.floor(time);

/** An outbound row to delete, with the record its receipt will need (SIP senders only). */
export interface Settled {
  readonly id: number;
  readonly sent: SentMessage | undefined;
}

/** Deletes the rows and keeps their receipts' records, in one statement (one transaction). */
export async function settleGroup(sql: Sql, items: readonly Settled[]): Promise<void[]> {
  const rows = items.map(({ id, sent }, n) => ({ n, id, message_id: sent?.messageId ?? null, sender_aor: sent?.senderAor ?? null, recipient: sent?.recipient ?? null, sip_message_id: sent?.sipMessageId ?? null, sent_at: sent === undefined ? null : ms(sent.sentAt), connector: sent?.connector ?? null }));
  // One record per message_id (ON CONFLICT may not touch a row twice in one statement): the last
  // one given wins, as with one statement each.
  await sql`WITH input AS (
      SELECT * FROM jsonb_to_recordset(${sql.json(rows)}) AS x(n int, id bigint, message_id text, sender_aor text, recipient text, sip_message_id text, sent_at bigint, connector text)
    ), gone AS (
      DELETE FROM outbound WHERE id = ANY(ARRAY(SELECT id FROM input))
    )
    INSERT INTO sent (message_id, sender_aor, recipient, sip_message_id, sent_at, connector)
    SELECT DISTINCT ON (message_id) message_id, sender_aor, recipient, sip_message_id, sent_at, connector FROM input WHERE message_id IS NOT NULL ORDER BY message_id, n DESC
    ON CONFLICT (message_id) DO UPDATE SET sender_aor = EXCLUDED.sender_aor, recipient = EXCLUDED.recipient, sip_message_id = EXCLUDED.sip_message_id, sent_at = EXCLUDED.sent_at, connector = EXCLUDED.connector`;
  return items.map(() => undefined);
}

/** A receipt's look for its record: the message_id, on the connector the receipt came from. */
export interface SentTake {
  readonly messageId: string;
  readonly connector: string;
}

/**
 * Takes the records of these message_ids, each only for its own connector (or a record with
 * none); a record asked for twice in the group is given to the first asker it matches.
 */
export async function takeSentGroup(sql: Sql, takes: readonly SentTake[]): Promise<(SentMessage | undefined)[]> {
  const ids = [...new Set(takes.map((t) => t.messageId))];
  // the rows of these ids are locked, and those some asker's connector matches deleted
  const rows = await sql<SentRow[]>`DELETE FROM sent WHERE message_id = ANY(ARRAY(SELECT jsonb_array_elements_text(${sql.json(ids)})))
    AND (connector IS NULL OR connector = ANY(ARRAY(SELECT x->>'connector' FROM jsonb_array_elements(${sql.json(takes.map((t) => ({ id: t.messageId, connector: t.connector })))}) AS x WHERE x->>'id' = sent.message_id)))
    RETURNING *`;
  const taken = new Map(rows.map((row) => [row.message_id, toSent(row)]));
  return takes.map((take) => {
    const sent = taken.get(take.messageId);
    if (sent === undefined || (sent.connector !== null && sent.connector !== take.connector)) return undefined;
    taken.delete(take.messageId);
    return sent;
  });
}

/**
 * Stores messages for SIP users, their ids given in the order they came: the rows are inserted in
 * the SELECT's order, and the identity column numbers them as they are inserted (what PostgreSQL
 * does, though its manual does not promise it; the store contract's "many at once" test holds it to
 * it). The text travels as base64 (JSON holds no NUL, a text may).
 */
export async function queueInboundGroup(sql: Sql, messages: readonly Omit<PendingMessage, 'id'>[]): Promise<number[]> {
  const rows = messages.map((m, n) => ({ n, aor: m.aor, sender: m.from, text: Buffer.from(m.text, 'utf8').toString('base64'), content_type: m.contentType, received_at: ms(m.receivedAt) }));
  const ids = (
    await sql<{ id: string }[]>`INSERT INTO inbound (aor, sender, text, content_type, received_at)
      SELECT aor, sender, decode(text, 'base64'), content_type, received_at
      FROM jsonb_to_recordset(${sql.json(rows)}) AS x(n int, aor text, sender text, text text, content_type text, received_at bigint)
      ORDER BY n
      RETURNING id`
  )
    .map((row) => Number(row.id))
    .sort((a, b) => a - b);
  if (ids.length !== messages.length) throw new Error(`${messages.length} messages stored as ${ids.length} rows`);
  return ids;
}

/** A read of an AOR's bindings live at `now`. */
export interface BindingsRead {
  readonly aor: string;
  readonly now: number;
}

/** Each read's bindings, latest expiry first (then contact in byte order), read in one statement. */
export async function bindingsGroup(sql: Sql, reads: readonly BindingsRead[]): Promise<Binding[][]> {
  const earliest = Math.min(...reads.map((r) => ms(r.now)));
  const aors = [...new Set(reads.map((r) => r.aor))];
  const rows = await sql<BindingRow[]>`SELECT * FROM bindings WHERE aor = ANY(ARRAY(SELECT jsonb_array_elements_text(${sql.json(aors)}))) AND expires_at > ${earliest}
    ORDER BY expires_at DESC, contact COLLATE "C"`;
  const bindings = rows.map(toBinding);
  return reads.map((read) => bindings.filter((b) => b.aor === read.aor && b.expiresAt > ms(read.now)));
}
