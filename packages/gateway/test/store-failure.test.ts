// A store that fails under a running gateway (here: the SQLite store closed beneath it) is not a
// crash: REGISTER and MESSAGE are answered 503 with Retry-After, nothing is submitted, and the
// gateway still answers and stops cleanly.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage, type SipResponse } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';
import { userMessage } from './support/message.js';
import { userRegistration } from './support/registration.js';

test('a failing store: REGISTER and MESSAGE get 503 with Retry-After; OPTIONS is still answered; the gateway stops cleanly', async (t) => {
  const env = await gatewayEnvironment({ SWITCHBOARD_AUTH_MODE: 'off' });
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    await gateway.store.close();
    peer.send(userRegistration({ fromPort: peer.port, sipPort, user: '447700900555', callId: 'broken', seq: 1 }), sipPort);
    const registered = (await peer.next()) as SipResponse;
    t.is(registered.status, 503);
    t.is(registered.headers.get('Retry-After'), '5');
    t.regex(registered.reason, /store/);
    peer.send(userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'broken-msg', body: 'lost?' }), sipPort);
    const taken = (await peer.next()) as SipResponse;
    t.is(taken.status, 503);
    t.is(taken.headers.get('Retry-After'), '5');
    t.is(gateway.simulator!.submitted.length, 0, 'what could not be stored is not submitted');
    peer.send(
      [`OPTIONS sip:127.0.0.1:${sipPort} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKopt`, 'From: <sip:probe@switchboard.local>;tag=o', 'To: <sip:127.0.0.1>', 'Call-ID: opt', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n'),
      sipPort,
    );
    t.is(((await peer.next()) as SipResponse).status, 200, 'the core is alive');
  } finally {
    peer.close();
    await gateway.stop();
  }
});
