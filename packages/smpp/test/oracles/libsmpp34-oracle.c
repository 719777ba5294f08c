/*
 * libsmpp34 (Debian libsmpp34-dev) as an oracle for our v3.4 codec, compiled by the tests.
 *   decode: reads one hex PDU per line on stdin, prints libsmpp34's field dump per PDU
 *           (or "ERROR <reason>"), each followed by a line "----".
 *   encode: prints, one per line in hex, PDUs built and packed by libsmpp34.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

static uint8_t storage[65536] __attribute__((aligned(16)));
static uint8_t text[65536];

static int decode(void) {
  static char line[140000];
  static uint8_t pdu[70000];
  while (fgets(line, sizeof line, stdin) != NULL) {
    size_t n = strcspn(line, "\r\n") / 2;
    for (size_t i = 0; i < n; i++) sscanf(line + 2 * i, "%2hhx", &pdu[i]);
    memset(storage, 0, sizeof storage);
    if (smpp34_unpack2(storage, pdu, (int)n) != 0) {
      printf("ERROR %s\n----\n", smpp34_strerror);
      continue;
    }
    memset(text, 0, sizeof text);
    if (smpp34_dumpPdu2(text, sizeof text, storage) != 0) printf("ERROR dump %s\n----\n", smpp34_strerror);
    else printf("%s\n----\n", text);
  }
  return 0;
}

static void emit(void *pdu) {
  static uint8_t out[70000];
  int length = 0;
  if (smpp34_pack2(out, sizeof out, &length, pdu) != 0) {
    printf("ERROR %s\n", smpp34_strerror);
    return;
  }
  for (int i = 0; i < length; i++) printf("%02x", out[i]);
  printf("\n");
}

static int encode(void) {
  bind_transmitter_t bind;
  memset(&bind, 0, sizeof bind);
  bind.command_id = BIND_TRANSMITTER;
  bind.sequence_number = 1;
  snprintf((char *)bind.system_id, sizeof bind.system_id, "%s", "esme01");
  snprintf((char *)bind.password, sizeof bind.password, "%s", "secret");
  snprintf((char *)bind.system_type, sizeof bind.system_type, "%s", "VMA");
  bind.interface_version = 0x34;
  bind.addr_ton = 1;
  bind.addr_npi = 1;
  snprintf((char *)bind.address_range, sizeof bind.address_range, "%s", "^44");
  emit(&bind);

  submit_sm_t submit;
  memset(&submit, 0, sizeof submit);
  submit.command_id = SUBMIT_SM;
  submit.sequence_number = 2;
  submit.source_addr_ton = 5;
  snprintf((char *)submit.source_addr, sizeof submit.source_addr, "%s", "MyBrand");
  submit.dest_addr_ton = 1;
  submit.dest_addr_npi = 1;
  snprintf((char *)submit.destination_addr, sizeof submit.destination_addr, "%s", "447700900123");
  submit.registered_delivery = 1;
  snprintf((char *)submit.validity_period, sizeof submit.validity_period, "%s", "000001000000000R");
  const char *message = "Hello from libsmpp34";
  submit.sm_length = (uint8_t)strlen(message);
  memcpy(submit.short_message, message, submit.sm_length);
  tlv_t reference;
  memset(&reference, 0, sizeof reference);
  reference.tag = TLVID_user_message_reference;
  reference.length = 2;
  reference.value.val16 = 42;
  build_tlv(&submit.tlv, &reference);
  emit(&submit);
  destroy_tlv(submit.tlv);

  deliver_sm_t deliver;
  memset(&deliver, 0, sizeof deliver);
  deliver.command_id = DELIVER_SM;
  deliver.sequence_number = 3;
  deliver.esm_class = 0x04;
  snprintf((char *)deliver.source_addr, sizeof deliver.source_addr, "%s", "447700900123");
  snprintf((char *)deliver.destination_addr, sizeof deliver.destination_addr, "%s", "MyBrand");
  const char *receipt = "id:abc123 sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 text:Hello";
  deliver.sm_length = (uint8_t)strlen(receipt);
  memcpy(deliver.short_message, receipt, deliver.sm_length);
  tlv_t state;
  memset(&state, 0, sizeof state);
  state.tag = TLVID_message_state;
  state.length = 1;
  state.value.val08 = 2;
  build_tlv(&deliver.tlv, &state);
  tlv_t receipted;
  memset(&receipted, 0, sizeof receipted);
  receipted.tag = TLVID_receipted_message_id;
  receipted.length = 7;
  memcpy(receipted.value.octet, "abc123", 7);
  build_tlv(&deliver.tlv, &receipted);
  emit(&deliver);
  destroy_tlv(deliver.tlv);

  enquire_link_t enquire;
  memset(&enquire, 0, sizeof enquire);
  enquire.command_id = ENQUIRE_LINK;
  enquire.sequence_number = 4;
  emit(&enquire);

  submit_sm_resp_t resp;
  memset(&resp, 0, sizeof resp);
  resp.command_id = SUBMIT_SM_RESP;
  resp.sequence_number = 2;
  snprintf((char *)resp.message_id, sizeof resp.message_id, "%s", "abc123");
  emit(&resp);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "decode") == 0) return decode();
  if (argc == 2 && strcmp(argv[1], "encode") == 0) return encode();
  fprintf(stderr, "usage: %s decode|encode\n", argv[0]);
  return 2;
}
