// The routing table: longest prefix, failover order by priority, spread by weight, MO routes, and
// the checks a stored table must pass.
import test from 'ava';
import { canonicalMessageId, receiptLookupId, longestPrefix, loadRouting, mtCandidates, moRoute, parseConnectorSpec, parseMoRouteSpec, parseMtRouteSpec, routingDigits, RoutingError, type RoutingTable } from '@switchboard/gateway';

const table = (mt: RoutingTable['mt'], mo: RoutingTable['mo'] = []): RoutingTable => ({ mt, mo, defaultConnector: 'smsc' });

test('the longest prefix wins, whatever the order; a leading + or 00 is not part of the number', (t) => {
  const routes = [
    { name: 'uk', prefix: '44', targets: [] },
    { name: 'uk-mobile', prefix: '447', targets: [] },
    { name: 'any', prefix: '', targets: [] },
  ];
  t.is(longestPrefix(routes, '+447700900123')?.name, 'uk-mobile');
  t.is(longestPrefix(routes, '00441234')?.name, 'uk');
  t.is(longestPrefix(routes, '3312345')?.name, 'any');
  t.is(longestPrefix(routes.slice(0, 2), '3312345'), undefined);
  t.is(routingDigits('+0044'), '0044');
});

test('no route: the configured connector; a route: its targets by priority, then failover', (t) => {
  t.deepEqual(mtCandidates(table([]), '447700900123'), ['smsc']);
  const routes = table([{ name: 'uk', prefix: '44', targets: [{ connector: 'b', priority: 2, weight: 1 }, { connector: 'a', priority: 1, weight: 1 }, { connector: 'smsc', priority: 3, weight: 1 }] }]);
  t.deepEqual(mtCandidates(routes, '447700900123'), ['a', 'b', 'smsc']);
  t.deepEqual(mtCandidates(routes, '3312345'), ['smsc']);
});

test('within one priority the first target is drawn by weight, the others follow as failover', (t) => {
  const routes = table([{ name: 'uk', prefix: '', targets: [{ connector: 'a', priority: 1, weight: 3 }, { connector: 'b', priority: 1, weight: 1 }] }]);
  // a seeded sequence, so the test is the same each run
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const first = { a: 0, b: 0 };
  for (let i = 0; i < 4000; i++) {
    const order = mtCandidates(routes, '123', random);
    t.is(order.length, 2);
    first[order[0] as 'a' | 'b']++;
  }
  // weight 3 : 1 → about 75% first
  t.true(first.a > 2800 && first.a < 3200, `a first ${first.a} times of 4000`);
  // the draw's edges: 0 picks the first target, just under 1 the last
  t.deepEqual(mtCandidates(routes, '1', () => 0), ['a', 'b']);
  t.deepEqual(mtCandidates(routes, '1', () => 0.999_999), ['b', 'a']);
});

test('a receipt id in the spelling of the connector’s submit_sm_resp (Kannel’s msg-id-type)', (t) => {
  t.is(receiptLookupId('0000A1B', 'same'), 'a1b');
  t.is(receiptLookupId('2587', 'hex-in-response'), 'a1b', 'decimal receipt, hex response');
  t.is(receiptLookupId('a1b', 'decimal-in-response'), '2587', 'hex receipt, decimal response');
  t.is(receiptLookupId('0x0A1B', 'decimal-in-response'), '2587');
  t.is(receiptLookupId('msg-1', 'hex-in-response'), 'msg-1', 'not a number: as it is');
  t.is(canonicalMessageId('000'), '0');
});

test('MO routes: the longest prefix of the number the text was sent to', (t) => {
  const routes = table([], [
    { name: 'shortcode', prefix: '8', sipUser: null, webhookUrl: 'https://hooks.example/mo', webhookSecret: 'x'.repeat(16) },
    { name: 'desk', prefix: '8123', sipUser: 'desk', webhookUrl: null, webhookSecret: null },
  ]);
  t.is(moRoute(routes, '81234')?.name, 'desk');
  t.is(moRoute(routes, '8999')?.name, 'shortcode');
  t.is(moRoute(routes, '447700900123'), undefined);
});

test('connector specs: defaults filled in, limits enforced with the field named', (t) => {
  t.deepEqual(parseConnectorSpec({ host: 'smsc.example', systemId: 'acct' }), { host: 'smsc.example', port: 2775, tls: false, systemId: 'acct', password: '', systemType: '', binds: 1, bindType: 'transceiver', window: 10, throughput: 0, messageIdType: 'same', receiptsFor: null });
  t.throws(() => parseConnectorSpec({ host: 'h', systemId: 'a'.repeat(16) }), { instanceOf: RoutingError, message: /systemId/ });
  t.throws(() => parseConnectorSpec({ host: 'h', systemId: 'a', password: '123456789' }), { message: /password/ });
  t.throws(() => parseConnectorSpec({ host: 'h', systemId: 'a', port: 70_000 }), { message: /port/ });
  t.throws(() => parseConnectorSpec({ host: 'h', systemId: 'a', bindType: 'both' }), { message: /bindType/ });
  t.throws(() => parseConnectorSpec([]), { message: /JSON object/ });
  t.throws(() => parseConnectorSpec({ host: 'h', systemId: 'a', messageIdType: 'hex' }), { message: /messageIdType/ });
  t.throws(() => loadRouting([{ kind: 'connector', name: 'rx', spec: JSON.stringify({ host: 'h', systemId: 's', bindType: 'receiver', receiptsFor: 'tx' }) }], 'smsc'), { message: /receiptsFor: no connector named tx/ });
});

test('route specs: targets required, prefixes are digits, an MO route goes somewhere and signs its webhook', (t) => {
  t.deepEqual(parseMtRouteSpec({ prefix: '44', targets: [{ connector: 'a' }] }), { prefix: '44', targets: [{ connector: 'a', priority: 1, weight: 1 }] });
  t.throws(() => parseMtRouteSpec({ prefix: '44', targets: [] }), { message: /targets/ });
  t.throws(() => parseMtRouteSpec({ prefix: '+44', targets: [{ connector: 'a' }] }), { message: /prefix/ });
  t.throws(() => parseMtRouteSpec({ targets: [{ connector: 'a', weight: 0 }] }), { message: /weight/ });
  t.throws(() => parseMoRouteSpec({ prefix: '8' }), { message: /sipUser, a webhookUrl or both/ });
  t.throws(() => parseMoRouteSpec({ prefix: '8', webhookUrl: 'https://x.example/' }), { message: /webhookSecret/ });
  t.throws(() => parseMoRouteSpec({ prefix: '8', webhookUrl: 'ftp://x.example/', webhookSecret: 'x'.repeat(16) }), { message: /webhookUrl/ });
  t.is(parseMoRouteSpec({ sipUser: '$destination' }).sipUser, '$destination');
});

test('a stored table is checked whole: a route to a missing connector or a receiver is refused', (t) => {
  const connector = { kind: 'connector' as const, name: 'a', spec: JSON.stringify({ host: 'h', systemId: 's' }) };
  const loaded = loadRouting([connector, { kind: 'mt_route', name: 'uk', spec: JSON.stringify({ prefix: '44', targets: [{ connector: 'a' }, { connector: 'smsc', priority: 2 }] }) }], 'smsc');
  t.deepEqual([...loaded.connectors.keys()], ['a']);
  t.is(loaded.table.mt[0]!.name, 'uk');
  t.throws(() => loadRouting([{ kind: 'mt_route', name: 'uk', spec: JSON.stringify({ targets: [{ connector: 'nope' }] }) }], 'smsc'), { instanceOf: RoutingError, message: /no connector named nope/ });
  const receiver = { kind: 'connector' as const, name: 'rx', spec: JSON.stringify({ host: 'h', systemId: 's', bindType: 'receiver' }) };
  t.throws(() => loadRouting([receiver, { kind: 'mt_route', name: 'r', spec: JSON.stringify({ targets: [{ connector: 'rx' }] }) }], 'smsc'), { message: /receiver/ });
  t.throws(() => loadRouting([{ kind: 'connector', name: 'smsc', spec: JSON.stringify({ host: 'h', systemId: 's' }) }], 'smsc'), { message: /configured connector/ });
  t.throws(() => loadRouting([{ kind: 'connector', name: 'a', spec: '{' }], 'smsc'), { message: /not JSON/ });
});
