// @switchboard/smpp: SMPP 3.4 and 5.0. This is the package's one public face.

/**
 * SMPP 3.4 and 5.0: the PDU codec, text encodings, long messages and receipts, ESME and MC
 * sessions as processes, and an MC simulator (see docs/smpp.md).
 *
 * @module @switchboard/smpp
 */

export { CommandId, commandName, isResponseId, responseNameOf } from './pdu/command-id.js';
export type { CommandName } from './pdu/command-id.js';
export { COMMAND_STATUSES, CommandStatus, CommandStatusAlias, describeStatus } from './pdu/command-status.js';
export type { CommandStatusName } from './pdu/command-status.js';
export { TLVS, tlvByName, tlvByTag } from './pdu/tlv-registry.js';
export type {
  BroadcastAreaIdentifier,
  BroadcastContentType,
  BroadcastFrequencyInterval,
  Kind as TlvKind,
  NetworkErrorCode,
  TlvDefinition,
  TlvName,
  TlvValues,
  Tlvs,
  UnknownTlvKey,
  ValueOfKind,
} from './pdu/tlv-registry.js';
export { LAYOUTS } from './pdu/layouts.js';
export type { Field } from './pdu/layouts.js';
export type { DestAddress, FieldsOf, FieldValue, Pdu, PduOf, UnsuccessSme } from './pdu/types.js';
export { decodePdu, HEADER_LENGTH } from './pdu/decode.js';
export { encodePdu } from './pdu/encode.js';
export { PduFramer, DEFAULT_MAX_COMMAND_LENGTH } from './pdu/framer.js';
export type { FramerOptions } from './pdu/framer.js';
export { createPdu, createResponse, createGenericNack } from './pdu/build.js';
export type { PduInit, RequestName, ResponseName } from './pdu/build.js';
export { SmppCodecError, PduDecodeError, PduEncodeError, FrameError } from './pdu/errors.js';

export { encodeGsm7, decodeGsm7, countGsm7, gsm7CharLength, packSeptets, unpackSeptets, DEFAULT_TABLES, ESC } from './encoding/gsm7.js';
export type { GsmTables } from './encoding/gsm7.js';
export { LANGUAGE_ID } from './encoding/gsm-tables.js';
export type { NationalLanguage } from './encoding/gsm-tables.js';
export { describeDataCoding, dataCodingFor } from './encoding/data-coding.js';
export type { Charset, DataCoding } from './encoding/data-coding.js';
export { encodeText, decodeText, EncodingError } from './encoding/text.js';
export type { TextOptions } from './encoding/text.js';
export { chooseEncoding } from './encoding/choose.js';
export type { ChooseOptions, EncodingChoice } from './encoding/choose.js';
export { parseUdh, buildUdh, concatElement, IEI, UdhError } from './encoding/udh.js';
export type { Concatenation, InformationElement, Udh } from './encoding/udh.js';
export { splitMessage, MessageTooLongError } from './encoding/split.js';
export type { ConcatenationMode, MessagePart, SplitMessage, SplitOptions } from './encoding/split.js';
export { Reassembler } from './encoding/reassembly.js';
export type { ReassemblerOptions, Reassembly, ReceivedMessage } from './encoding/reassembly.js';
export { MessageState, parseReceipt, parseReceiptDate, formatReceipt, receiptTlvs } from './encoding/receipt.js';
export type { DeliveryReceipt, MessageStateName, ReceiptInit } from './encoding/receipt.js';

export { allows, bindStateMachine, isBound } from './session/bind-state.js';
export type { BindEvent, BindState, Direction } from './session/bind-state.js';
export { SessionReturn } from './session/session.js';
export type { ConnectionInfo, SendResult, Session, SessionCallResult, SessionInitResult, SessionResult } from './session/session.js';
export type { SessionOptions } from './session/options.js';
export { sendPdu, sessionStats } from './session/api.js';
export type { SessionPid } from './session/api.js';
export { nextSequenceNumber } from './session/state.js';
export type { SessionStats } from './session/messages.js';
export { BindStateError, CommandStatusError, ConnectAbortedError, PeerStalledError, QueueFullError, ResponseTimeoutError, SessionClosedError, SmppSessionError, WindowTimeoutError } from './session/errors.js';
export { BindGuard } from './session/bind-guard.js';
export type { BindGuardOptions, BindVerdict } from './session/bind-guard.js';
export { connectEsme } from './esme.js';
export type { EsmeOptions, SessionProcess } from './esme.js';
export { listenMc } from './mc.js';
export type { McOptions, McServer } from './mc.js';
export { requestPdu, closeSession } from './session/api.js';
export type { RequestOutcome } from './session/messages.js';
export { SmppClient } from './client.js';
export { PartialSendError } from './text-message.js';
export { MAX_PENDING_DELIVERIES } from './client-deliveries.js';
export type { SubmitInit } from './client.js';
export type { BindMode, BindParams } from './bind-params.js';
export type { DeliverHandler } from './client-deliveries.js';
export type { ClientStatus, ReconnectOptions, SmppClientOptions } from './client-options.js';
export type { AcceptedPart, RefusedPart, TextMessage, TextPartOutcome } from './text-message.js';
export { McSimulator } from './simulator/simulator.js';
export type { BoundMode, InjectedFault, McSimulatorOptions, SimulatorStats, SubmittedMessage } from './simulator/simulator.js';
