// The documented mapping of SMPP outcomes to the final response of a MESSAGE.
import test from 'ava';
import { BindStateError, CommandStatus, CommandStatusError, ResponseTimeoutError, SessionClosedError } from '@switchboard/smpp';
import { AddressError, sipAnswerFor } from '@switchboard/gateway';

test('throttling and a full queue are 503 with Retry-After; a bad destination 404; no bind 503; no answer 504; too long 513; the rest 502', (t) => {
  const status = (error: unknown) => sipAnswerFor(error).status;
  t.deepEqual(sipAnswerFor(new CommandStatusError('submit_sm', CommandStatus.ESME_RTHROTTLED)).headers, [['Retry-After', '5']]);
  t.is(status(new CommandStatusError('submit_sm', CommandStatus.ESME_RTHROTTLED)), 503);
  t.is(status(new CommandStatusError('submit_sm', CommandStatus.ESME_RMSGQFUL)), 503);
  t.is(status(new CommandStatusError('submit_sm', CommandStatus.ESME_RINVDSTADR)), 404);
  t.is(status(new CommandStatusError('submit_sm', CommandStatus.ESME_RINVMSGLEN)), 513);
  t.is(status(new CommandStatusError('submit_sm', CommandStatus.ESME_RSYSERR)), 502);
  t.regex(sipAnswerFor(new CommandStatusError('submit_sm', CommandStatus.ESME_RSYSERR)).reason!, /ESME_RSYSERR/);
  t.is(status(new BindStateError('submit_sm', 'CLOSED')), 503);
  t.is(status(new SessionClosedError('shutdown')), 503);
  t.is(status(new ResponseTimeoutError('submit_sm')), 504);
  t.is(status(new AddressError('no number', 484)), 484);
});
