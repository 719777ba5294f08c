#!/usr/bin/perl
# Net::SMPP as an ESME against our MC: bind_transceiver, submit_sm asking for a receipt,
# enquire_link, wait for the receipt (deliver_sm) and answer it, unbind. One line per step.
use strict;
use warnings;
use Net::SMPP;
$| = 1;
my ($port, $system_id, $password) = @ARGV;
my ($smpp, $resp) = Net::SMPP->new_transceiver('127.0.0.1', port => $port, system_id => $system_id,
  password => $password, smpp_version => 0x34, timeout => 10);
die "connect failed: $!\n" unless $smpp;
print "bind $resp->{status} $resp->{system_id}\n";
exit 0 if $resp->{status} != 0;
$resp = $smpp->submit_sm(source_addr => '4000', destination_addr => '447700900123',
  short_message => 'hello from perl', registered_delivery => 1);
print "submit $resp->{status} $resp->{message_id}\n";
$resp = $smpp->enquire_link();
print "enquire_link $resp->{status}\n";
my $pdu = $smpp->read_pdu() or die "no receipt\n";
printf "deliver %d %s\n", $pdu->{esm_class}, $pdu->{short_message};
$smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
$resp = $smpp->unbind();
print "unbind $resp->{status}\n";
