// Dialogs (RFC 3261 §12) on both sides, as pure state: messages are built, written and read back
// as a peer would send them; then our example UAC and UAS on loopback, on a virtual clock.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  DialogLimitError,
  DialogStateError,
  DialogTable,
  exampleUac,
  exampleUas,
  newUasCounters,
  startStack,
  type ExampleUac,
  type ExampleUas,
  formatUri,
  paramValue,
  parseMessage,
  parseUri,
  serializeMessage,
  type Dialog,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';

/** Through the wire: what the peer receives. */
function wire<M extends SipRequest | SipResponse>(message: M): M {
  return parseMessage(serializeMessage(message)) as M;
}

const P1 = '<sip:p1.example.com;lr>';
const P2 = '<sip:p2.example.com;lr>';

/** Alice's INVITE to Bob, as it reaches Bob through p1 then p2 (each Record-Routes on top). */
function invite(extra: [string, string][] = []): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: parseUri('sip:bob@biloxi.example.com'),
    from: { displayName: 'Alice', uri: parseUri('sip:alice@atlanta.example.com'), params: [] },
    to: { displayName: 'Bob', uri: parseUri('sip:bob@biloxi.example.com'), params: [] },
    via: { protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.example.com', port: 5060 },
    contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.101'), params: [] },
    callId: 'call-1',
    headers: extra,
  });
}

function answer(request: SipRequest, status: number, toTag: string, contact = 'sip:bob@192.0.2.4', recordRoute = [P2, P1]): SipResponse {
  const headers: [string, string][] = recordRoute.map((value) => ['Record-Route', value]);
  if (status > 100 && status < 300) headers.push(['Contact', `<${contact}>`]);
  return wire(createResponse(request, status, { toTag, headers }));
}

function routes(request: SipRequest): string[] {
  return request.headers.all('route').map((route) => formatUri(route.uri));
}

function early(dialogs: DialogTable, request: SipRequest, response: SipResponse): Dialog {
  const outcome = dialogs.receiveResponse(response, request);
  if (outcome.outcome !== 'early') throw new Error(`expected early, got ${outcome.outcome}`);
  return outcome.dialog;
}

test('UAC: a 180 with a To tag makes an early dialog, the 200 confirms it; the route set is the Record-Route reversed (§12.1.2); the ACK follows it (§13.2.2.4)', (t) => {
  const dialogs = new DialogTable();
  const request = invite([['Proxy-Authorization', 'Digest username="alice", realm="atlanta.example.com", nonce="n", uri="sip:bob@biloxi.example.com", response="00"']]);
  const dialog = early(dialogs, request, answer(request, 180, 'bob1'));
  t.is(dialog.state, 'early');
  t.is(dialog.role, 'uac');
  t.deepEqual(dialog.id, { callId: 'call-1', localTag: paramValue(request.from!.params, 'tag')!, remoteTag: 'bob1' });
  t.deepEqual(dialog.routeSet.map((r) => formatUri(r.uri)), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr'], 'reversed');
  t.is(dialog.localSeq, 1);
  t.is(dialog.remoteSeq, undefined, '§12.1.2: empty');
  t.false(dialog.secure);

  const outcome = dialogs.receiveResponse(answer(request, 200, 'bob1', 'sip:bob@192.0.2.5'), request);
  if (outcome.outcome !== 'ack') return t.fail(outcome.outcome);
  t.is(outcome.dialog, dialog);
  t.is(dialog.state, 'confirmed');
  t.is(formatUri(dialog.remoteTarget), 'sip:bob@192.0.2.5', 'the 2xx Contact is the remote target');
  t.false(outcome.retransmission);
  const ack = wire(outcome.ack);
  t.is(ack.method, 'ACK');
  t.is(formatUri(ack.uri), 'sip:bob@192.0.2.5', 'loose routing: the Request-URI is the remote target');
  t.deepEqual(routes(ack), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  t.deepEqual(ack.cseq, { seq: 1, method: 'ACK' }, 'the INVITE CSeq number');
  t.is(paramValue(ack.to!.params, 'tag'), 'bob1');
  t.is(paramValue(ack.from!.params, 'tag'), dialog.id.localTag);
  t.is(ack.callId, 'call-1');
  t.is(ack.topVia, undefined, 'the stack adds the Via');
  t.regex(ack.headers.get('Proxy-Authorization') ?? '', /^Digest/, '§13.2.2.4: credentials copied from the INVITE');
  t.is(formatUri(dialog.nextHop), 'sip:p1.example.com;lr');

  const bye = wire(dialog.createRequest('BYE'));
  t.deepEqual(bye.cseq, { seq: 2, method: 'BYE' });
  t.deepEqual(routes(bye), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  t.is(bye.from!.displayName, 'Alice');
  t.is(bye.to!.displayName, 'Bob');
  t.is(dialog.state, 'terminated', '§15.1.1: terminated once the BYE is sent');
  t.is(dialogs.size, 1, 'held until the BYE is answered');
  const ended = dialogs.receiveResponse(wire(createResponse(bye, 200)), bye);
  t.is(ended.outcome, 'terminated');
  t.is(dialogs.size, 0);
  t.throws(() => dialog.createRequest('INFO'), { instanceOf: DialogStateError, message: /terminated/ });
});

test('UAS: createUas takes the Record-Route in order (§12.1.1); 180 and 200 carry its tag, Record-Route and Contact; its BYE goes to the caller through the route set', (t) => {
  const dialogs = new DialogTable();
  const request = wire(invite([['Record-Route', P1], ['Record-Route', P2]]));
  const dialog = dialogs.createUas(request, { contact: parseUri('sip:bob@192.0.2.4'), toTag: 'bob1' });
  t.is(dialog.state, 'early');
  t.is(dialog.remoteSeq, 1);
  t.is(dialog.localSeq, undefined);
  t.deepEqual(dialog.routeSet.map((r) => formatUri(r.uri)), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr'], 'in order');
  t.is(formatUri(dialog.remoteTarget), 'sip:alice@192.0.2.101');
  t.is(dialogs.createUas(request, { toTag: 'bob1' }), dialog, 'the same request, the same dialog');
  const ringing = wire(dialog.createResponse(request, 180));
  t.is(paramValue(ringing.to!.params, 'tag'), 'bob1');
  t.deepEqual(ringing.headers.getAll('Record-Route'), [P1, P2]);
  t.is(ringing.headers.get('Contact'), '<sip:bob@192.0.2.4>');
  t.is(dialog.state, 'early');
  dialog.createResponse(request, 200);
  t.is(dialog.state, 'confirmed');

  const ack = wire(createRequest({ method: 'ACK', uri: parseUri('sip:bob@192.0.2.4'), from: request.from!, to: { ...request.to!, params: [['tag', 'bob1']] }, callId: 'call-1' }));
  const matched = dialogs.receiveRequest(ack);
  t.is(matched.outcome, 'dialog');

  const bye = wire(dialog.createRequest('BYE'));
  t.is(formatUri(bye.uri), 'sip:alice@192.0.2.101');
  t.deepEqual(routes(bye), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  t.is(paramValue(bye.from!.params, 'tag'), 'bob1', 'our tag in From');
  t.is(paramValue(bye.to!.params, 'tag'), paramValue(request.from!.params, 'tag'));
  t.true(bye.cseq!.seq >= 1 && bye.cseq!.seq < 2 ** 31, '§8.1.1.5: a random start below 2^31');
  t.is(bye.to!.displayName, 'Alice');
});

test('a strict router first (no lr): its URI becomes the Request-URI, the remote target the last Route (§12.2.1.1)', (t) => {
  const dialogs = new DialogTable();
  const request = invite();
  const outcome = dialogs.receiveResponse(answer(request, 200, 'bob1', 'sip:bob@192.0.2.4', ['<sip:p2.example.com;lr>', '<sip:p1.example.com;method=INVITE>']), request);
  if (outcome.outcome !== 'ack') return t.fail(outcome.outcome);
  const ack = wire(outcome.ack);
  t.is(formatUri(ack.uri), 'sip:p1.example.com', 'stripped of the method parameter');
  t.deepEqual(routes(ack), ['sip:p2.example.com;lr', 'sip:bob@192.0.2.4']);
  t.is(formatUri(outcome.dialog.nextHop), 'sip:p1.example.com;method=INVITE');
  const info = wire(outcome.dialog.createRequest('INFO', { body: 'hello', contentType: 'text/plain' }));
  t.is(formatUri(info.uri), 'sip:p1.example.com');
  t.deepEqual(info.cseq, { seq: 2, method: 'INFO' });
  t.is(info.body.toString(), 'hello');
});

test('target refresh (§12.2): a re-INVITE received replaces the remote target; our re-INVITE’s 2xx does too, and is ACKed with its CSeq', (t) => {
  const uacs = new DialogTable();
  const uass = new DialogTable();
  const request = wire(invite());
  const uas = uass.createUas(request, { contact: parseUri('sip:bob@192.0.2.4'), toTag: 'bob1' });
  const ok = wire(uas.createResponse(request, 200));
  const outcome = uacs.receiveResponse(ok, request);
  if (outcome.outcome !== 'ack') return t.fail(outcome.outcome);
  const uac = outcome.dialog;
  t.deepEqual(uac.routeSet, []);
  t.is(formatUri(wire(outcome.ack).uri), 'sip:bob@192.0.2.4', 'no route set: straight to the remote target');

  // Alice moves: a re-INVITE with a new Contact.
  const reinvite = wire(uac.createRequest('INVITE', { contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.102'), params: [] } }));
  t.is(reinvite.headers.get('Contact'), '<sip:alice@192.0.2.102>');
  t.deepEqual(reinvite.cseq, { seq: 2, method: 'INVITE' });
  const matched = uass.receiveRequest(reinvite);
  t.is(matched.outcome, 'dialog');
  t.is(formatUri(uas.remoteTarget), 'sip:alice@192.0.2.102', '§12.2.2: the UAS takes the new Contact');
  t.is(uas.remoteSeq, 2);
  // Bob moves too, in his 2xx.
  const reok = wire(uas.createResponse(reinvite, 200, { headers: [] }));
  t.is(reok.headers.get('Contact'), '<sip:bob@192.0.2.4>');
  const changed = wire(createResponse(reinvite, 200, { headers: [['Contact', '<sip:bob@192.0.2.9>']] }));
  const second = uacs.receiveResponse(changed, reinvite);
  if (second.outcome !== 'ack') return t.fail(second.outcome);
  t.is(formatUri(uac.remoteTarget), 'sip:bob@192.0.2.9', '§12.2.1.2: the 2xx to a target refresh');
  t.deepEqual(wire(second.ack).cseq, { seq: 2, method: 'ACK' });
  t.is(formatUri(wire(second.ack).uri), 'sip:bob@192.0.2.9');
  // An UPDATE (RFC 3311) is a target refresh as well.
  const update = wire(uac.createRequest('UPDATE'));
  t.is(update.headers.get('Contact'), '<sip:alice@192.0.2.102>');
  t.is(uacs.receiveResponse(wire(createResponse(update, 200, { headers: [['Contact', '<sip:bob@192.0.2.10>']] })), update).outcome, 'updated');
  t.is(formatUri(uac.remoteTarget), 'sip:bob@192.0.2.10');
});

test('a request with a To tag and no dialog gets 481; a CSeq below the remote CSeq gets 500 (§12.2.2); an ACK is never answered', (t) => {
  const dialogs = new DialogTable();
  const request = wire(invite());
  const dialog = dialogs.createUas(request, { toTag: 'bob1' });
  dialog.createResponse(request, 200);
  t.is(dialogs.receiveRequest(request).outcome, 'outside', 'no To tag: not within a dialog');

  const inDialog = (method: string, seq: number, toTag = 'bob1'): SipRequest => {
    const r = createRequest({ method, uri: parseUri('sip:bob@192.0.2.4'), from: request.from!, to: { ...request.to!, params: [['tag', toTag]] }, callId: 'call-1', cseq: seq });
    return wire(r);
  };
  const unknown = dialogs.receiveRequest(inDialog('INFO', 5, 'nobody'));
  if (unknown.outcome !== 'no-dialog') return t.fail(unknown.outcome);
  t.is(unknown.response?.status, 481);
  const stray = dialogs.receiveRequest(inDialog('ACK', 5, 'nobody'));
  t.deepEqual(stray, { outcome: 'no-dialog', response: null });

  t.is(dialogs.receiveRequest(inDialog('INFO', 7)).outcome, 'dialog');
  t.is(dialog.remoteSeq, 7);
  const late = dialogs.receiveRequest(inDialog('INFO', 6));
  if (late.outcome !== 'out-of-order') return t.fail(late.outcome);
  t.is(late.response?.status, 500);
  t.is(dialog.remoteSeq, 7, 'unchanged');
  t.is(dialogs.receiveRequest(inDialog('INFO', 7)).outcome, 'dialog', 'equal is not lower');

  const bye = dialogs.receiveRequest(inDialog('BYE', 8));
  t.is(bye.outcome, 'dialog');
  t.is(dialog.state, 'terminated', '§15.1.2: a BYE ends it');
  t.is(dialogs.size, 0);
  t.is(dialogs.receiveRequest(inDialog('BYE', 9)).outcome, 'no-dialog', 'a second BYE: 481');
});

test('forking: two early dialogs (one per To tag), the 2xx confirms one and ends the other; a second fork’s 2xx is flagged; every 2xx retransmission is ACKed again (RFC 6026)', (t) => {
  const dialogs = new DialogTable();
  const request = invite();
  const a = early(dialogs, request, answer(request, 180, 'forkA', 'sip:bob@192.0.2.4'));
  const b = early(dialogs, request, answer(request, 183, 'forkB', 'sip:bob@192.0.2.5'));
  t.not(a, b);
  t.is(dialogs.size, 2);
  t.is(early(dialogs, request, answer(request, 180, 'forkA', 'sip:bob@192.0.2.6')), a, 'the same To tag, the same early dialog');
  t.is(formatUri(a.remoteTarget), 'sip:bob@192.0.2.6');

  const ok = answer(request, 200, 'forkB', 'sip:bob@192.0.2.5', [P1]);
  const outcome = dialogs.receiveResponse(ok, request);
  if (outcome.outcome !== 'ack') return t.fail(outcome.outcome);
  t.is(outcome.dialog, b);
  t.is(b.state, 'confirmed');
  t.deepEqual(b.routeSet.map((r) => formatUri(r.uri)), ['sip:p1.example.com;lr'], 'recomputed from the 2xx');
  t.deepEqual(outcome.ended, [a]);
  t.is(a.state, 'terminated');
  t.false(outcome.forked);
  t.is(dialogs.size, 1);

  const again = dialogs.receiveResponse(ok, null);
  if (again.outcome !== 'ack') return t.fail(again.outcome);
  t.true(again.retransmission);
  t.is(again.dialog, b);
  t.deepEqual(wire(again.ack).cseq, { seq: 1, method: 'ACK' });

  t.is(dialogs.receiveResponse(answer(request, 180, 'forkC'), request).outcome, 'none', 'a late provisional from a third fork');
  const second = dialogs.receiveResponse(answer(request, 200, 'forkA', 'sip:bob@192.0.2.4'), request);
  if (second.outcome !== 'ack') return t.fail(second.outcome);
  t.true(second.forked, 'a second fork answered: ACK it, then BYE it');
  t.not(second.dialog, b);
  t.is(dialogs.size, 2);
});

test('a non-2xx final ends the early dialogs of the INVITE (§12.3); a 481 or a timeout ends a dialog (§12.2.1.2)', (t) => {
  const dialogs = new DialogTable();
  const request = invite();
  early(dialogs, request, answer(request, 180, 'forkA'));
  early(dialogs, request, answer(request, 180, 'forkB'));
  const busy = dialogs.receiveResponse(answer(request, 486, 'forkB'), request);
  if (busy.outcome !== 'terminated') return t.fail(busy.outcome);
  t.is(busy.dialogs.length, 2);
  t.is(dialogs.size, 0);

  const next = invite();
  const confirmed = dialogs.receiveResponse(answer(next, 200, 'bob1'), next);
  if (confirmed.outcome !== 'ack') return t.fail(confirmed.outcome);
  const info = confirmed.dialog.createRequest('INFO');
  t.is(dialogs.receiveResponse(wire(createResponse(info, 481)), info).outcome, 'terminated');
  t.is(dialogs.size, 0);

  const third = invite();
  const dialog = (dialogs.receiveResponse(answer(third, 200, 'bob1'), third) as { dialog: Dialog }).dialog;
  const options = dialog.createRequest('OPTIONS');
  t.deepEqual(dialogs.receiveError({ kind: 'client', request: options }), [dialog]);
  t.is(dialog.state, 'terminated');
  t.is(dialogs.size, 0);

  const fourth = invite();
  early(dialogs, fourth, answer(fourth, 180, 'ring'));
  t.is(dialogs.receiveError({ kind: 'client', request: fourth }).length, 1, 'Timer B: the early dialogs go');
  t.is(dialogs.size, 0);
});

test('UAS: a 2xx never ACKed (Timer L) leaves the dialog confirmed, to be ended with a BYE (§13.3.1.4); a non-2xx final ends it', (t) => {
  const dialogs = new DialogTable();
  const request = wire(invite());
  const dialog = dialogs.createUas(request, { toTag: 'bob1' });
  dialog.createResponse(request, 200);
  const concerned = dialogs.receiveError({ kind: 'server', request });
  t.deepEqual(concerned, [dialog]);
  t.is(dialog.state, 'confirmed');
  t.is(dialog.createRequest('BYE').method, 'BYE');

  const other = wire(invite());
  const refused = dialogs.createUas(other, { toTag: 'bob2' });
  refused.createResponse(other, 603);
  t.is(refused.state, 'terminated');
  t.is(dialogs.get(refused.id), undefined);
});

test('the table’s limit: past maxDialogs a UAS dialog throws DialogLimitError and a UAC 2xx is refused with the ACK and BYE to send', (t) => {
  const dialogs = new DialogTable({ maxDialogs: 1 });
  t.is(new DialogTable().maxDialogs, 10_000);
  dialogs.createUas(wire(invite()), { toTag: 'one' });
  const error = t.throws(() => dialogs.createUas(wire(invite()), { toTag: 'two' }), { instanceOf: DialogLimitError });
  t.is(error?.code, 'ERR_SIP_DIALOG_LIMIT');
  t.is(error?.limit, 1);

  const request = invite();
  const early = dialogs.receiveResponse(answer(request, 180, 'x'), request);
  t.is(early.outcome, 'refused');
  const outcome = dialogs.receiveResponse(answer(request, 200, 'x'), request);
  if (outcome.outcome !== 'refused') return t.fail(outcome.outcome);
  t.is(outcome.ack?.method, 'ACK');
  t.is(outcome.bye?.method, 'BYE');
  t.deepEqual(routes(wire(outcome.bye!)), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  t.is(dialogs.size, 1);
});

test('createRequest refuses an ACK and a CANCEL; createUas refuses a request with a To tag', (t) => {
  const dialogs = new DialogTable();
  const request = wire(invite());
  const dialog = dialogs.createUas(request, { toTag: 'bob1' });
  t.throws(() => dialog.createRequest('ACK'), { instanceOf: DialogStateError });
  t.throws(() => dialog.createRequest('CANCEL'), { instanceOf: DialogStateError });
  t.throws(() => dialog.createAck(), { code: 'ERR_SIP_DIALOG_STATE' } as never);
  const inside = wire(dialog.createRequest('INFO'));
  t.throws(() => dialogs.createUas(inside), { instanceOf: DialogStateError, message: /^To:/ });
});

test('our example UAC calls our example UAS on loopback: INVITE, ACK, re-INVITE, ACK, BYE within one dialog on each side', async (t) => {
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock });
  const counters = newUasCounters();
  let uas!: ExampleUas;
  let uac!: ExampleUac;
  const bob = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: exampleUas(counters, { ready: (core) => (uas = core) }) });
  const alice = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: exampleUac((core) => (uac = core)) });
  t.deepEqual(await uac.call(`sip:bob@127.0.0.1:${bob.listener('UDP')!.port}`, undefined, undefined, { reinvite: true }), { invite: 200, reinvite: 200, bye: 200 });
  await clock.advance(0);
  t.is(counters.invites, 2);
  t.is(counters.acks, 2, 'the 2xx to the INVITE and to the re-INVITE, each ACKed');
  t.is(counters.byes, 1);
  t.is(uas.dialogs.size, 0);
  t.is(uac.dialogs.size, 0);
  await alice.stop();
  await bob.stop();
});
