#!/usr/bin/perl
# Net::SMPP as an MC (new_listen) against our ESME: accepts one connection, answers the bind,
# each submit_sm (with a message id, then a deliver_sm of its own), enquire_link and unbind.
# Prints one line per PDU it receives.
use strict;
use warnings;
use Net::SMPP;
$| = 1;
my ($port) = @ARGV;
my $server = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34, timeout => 10)
  or die "listen failed: $!\n";
print "listening\n";
my $c = $server->accept or die "no connection\n";
my $ids = 0;
while (my $pdu = $c->read_pdu()) {
  my $name = Net::SMPP::pdu_tab->{$pdu->{cmd}}{cmd};
  print "got $name $pdu->{seq}\n";
  if ($name eq 'bind_transceiver') {
    $c->bind_transceiver_resp(system_id => 'PERLMC', seq => $pdu->{seq},
      status => $pdu->{password} eq 'secret' ? 0 : 0x0e);
  } elsif ($name eq 'submit_sm') {
    $ids++;
    $c->submit_sm_resp(message_id => "perl-$ids", seq => $pdu->{seq});
    $c->deliver_sm(source_addr => $pdu->{destination_addr}, destination_addr => $pdu->{source_addr},
      short_message => "echo: $pdu->{short_message}", async => 1);
  } elsif ($name eq 'enquire_link') {
    $c->enquire_link_resp(seq => $pdu->{seq});
  } elsif ($name eq 'deliver_sm_resp') {
    print "deliver_sm_resp status $pdu->{status}\n";
  } elsif ($name eq 'unbind') {
    $c->unbind_resp(seq => $pdu->{seq});
    print "done\n";
    exit 0;
  }
}
print "closed\n";
