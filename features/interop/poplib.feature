@interop @poplib
Feature: Interop: Python poplib against the reference server
  scripts/interop/poplib-session.py logs in (USER/PASS, or APOP with poplib's apop()), takes STAT,
  LIST and UIDL, retrieves every message, optionally deletes one, and quits.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: poplib retrieves everything, deletes message 3 and only message 3 is gone
    When interop poplib runs a session as alice that deletes message 3
    Then the interop poplib session logged in with "USER/PASS"
    And the interop poplib session saw STAT, LIST and UIDL matching the fixture messages of alice
    And the interop poplib session retrieved every fixture message byte for byte
    And the interop poplib session ended with +OK to DELE and QUIT
    And the interop maildrop of alice has lost exactly fixture message 3
    And a new interop session as alice sees 8 messages

  Scenario: poplib logs in as the APOP-only user dave with apop(); USER/PASS is refused for him
    When interop poplib runs a session as dave logging in with APOP
    Then the interop poplib session logged in with "APOP"
    # dave's maildrop holds one message, a copy of 01-plain.eml.
    And the interop poplib session saw exactly one message, fixture message 1 byte for byte
    # RFC 1939 section 13: a user logs in with USER/PASS or with APOP, not both.
    When interop poplib tries to log in as dave with USER and PASS
    Then the interop poplib login was refused with "-ERR [AUTH]"
