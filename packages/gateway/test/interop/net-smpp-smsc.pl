#!/usr/bin/perl
# Net::SMPP (new_listen) standing in for the SMSC of the gateway: accepts one connection, answers
# the bind (gateway / secret), each submit_sm with a message id, enquire_link and unbind; after the
# first submit_sm it sends a mobile-originated deliver_sm of its own. Prints a line per event.
use strict;
use warnings;
use Net::SMPP;
$| = 1;
my ($port) = @ARGV;
my $server = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34, timeout => 20)
  or die "listen failed: $!\n";
print "listening\n";
my $c = $server->accept or die "no connection\n";
my $ids = 0;
while (my $pdu = $c->read_pdu()) {
  my $name = Net::SMPP::pdu_tab->{$pdu->{cmd}}{cmd};
  if ($name eq 'bind_transceiver') {
    my $ok = $pdu->{system_id} eq 'gateway' && $pdu->{password} eq 'secret';
    $c->bind_transceiver_resp(system_id => 'PERLSMSC', seq => $pdu->{seq}, status => $ok ? 0 : 0x0e);
    print "bound $pdu->{system_id}\n";
  } elsif ($name eq 'submit_sm') {
    $ids++;
    $c->submit_sm_resp(message_id => "perl-$ids", seq => $pdu->{seq});
    print "submit $pdu->{destination_addr} ton=$pdu->{dest_addr_ton} $pdu->{short_message}\n";
    if ($ids == 1) {
      $c->deliver_sm(source_addr => '447700900999', destination_addr => '447700900555',
        short_message => 'MO via Net::SMPP', async => 1);
    }
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
