@interop @poplib
Feature: Interop: Python poplib against the reference server
  scripts/interop/poplib-session.py logs in with USER/PASS, takes STAT, LIST and UIDL, retrieves
  every message, deletes one and quits.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: poplib retrieves everything, deletes message 3 and only message 3 is gone
    When interop poplib runs a session as alice that deletes message 3
    Then the interop poplib session saw STAT, LIST and UIDL matching the fixture messages of alice
    And the interop poplib session retrieved every fixture message byte for byte
    And the interop poplib session ended with +OK to DELE and QUIT
    And the interop maildrop of alice has lost exactly fixture message 3
    And a new interop session as alice sees 8 messages
