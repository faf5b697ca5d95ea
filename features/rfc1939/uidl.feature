# RFC 1939 §7, UIDL [msg]: "If an argument was given and the POP3 server issues a positive response
# with a line containing information for that message. This line is called a "unique-id listing"
# for that message. If no argument was given and the POP3 server issues a positive response, then
# the response given is multi-line. After the initial +OK, for each message in the maildrop, the
# POP3 server responds with a line containing information for that message. ... A unique-id listing
# consists of the message-number of the message, followed by a single space and the unique-id of
# the message. No information follows the unique-id in the unique-id listing.
# The unique-id of a message is an arbitrary server-determined string, consisting of one to 70
# characters in the range 0x21 to 0x7E, which uniquely identifies a message within a maildrop and
# which persists across sessions. This persistence is required even if a session ends without
# entering the UPDATE state. ... Note that messages marked as deleted are not listed."
# UIDL is optional (§7); RFC 2449 §6.8 announces it with the CAPA tag UIDL.
@rfc1939
Feature: UIDL (RFC 1939 §7)

  @sec-7 @MUST @req-1939-UIDL-1 @capa-UIDL
  Scenario: UIDL without an argument lists every message, one line each
    Given the client is logged in
    When the client sends "STAT"
    And the client sends "UIDL"
    Then the response is +OK
    And the unique-id listing has one line per message, numbered from 1 in order

  @sec-7 @MUST @req-1939-UIDL-2 @capa-UIDL
  Scenario: Each unique-id listing is the message number, a single space and the unique-id, nothing more
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "UIDL"
    And the client sends "UIDL 1"
    Then every unique-id listing in the scenario is a message number, a single space and a unique-id, with nothing after it

  @sec-7 @MUST @req-1939-UIDL-3 @capa-UIDL
  Scenario: Unique-ids are 1 to 70 characters from 0x21 to 0x7E
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "UIDL"
    Then every unique-id is 1 to 70 characters from 0x21 to 0x7E

  @sec-7 @MUST @req-1939-UIDL-4 @fixtures @capa-UIDL
  Scenario: Different messages have different unique-ids
    Given the client is logged in
    When the client sends "UIDL"
    Then the unique-ids are all different

  @sec-7 @MUST @req-1939-UIDL-5 @capa-UIDL
  Scenario: Unique-ids persist across sessions, also when a session ends without QUIT
    Given the client is logged in
    And the maildrop holds at least 1 message
    And the client notes the reply to "UIDL"
    When the client closes the connection without QUIT
    And client B logs in
    Then client B gets the same reply to "UIDL" as noted
    When client B sends "QUIT"
    And client C logs in
    Then client C gets the same reply to "UIDL" as noted

  @sec-7 @MUST @req-1939-UIDL-5 @fixtures @destructive @capa-UIDL
  Scenario: The remaining messages keep their unique-ids after others are removed
    Given the client is logged in
    And the client notes the reply to "UIDL"
    And the client has marked message 1 as deleted
    When the client sends "QUIT"
    Then the response is +OK
    When client B logs in
    And client B sends "UIDL"
    Then the unique-id listing is the noted one without message 1, renumbered from 1

  @sec-7 @MUST @req-1939-UIDL-7 @capa-UIDL
  Scenario: UIDL with a message number answers with that message's unique-id listing
    Given the client is logged in
    And the maildrop holds at least 2 messages
    When the client sends "UIDL"
    And the client sends "UIDL 2"
    Then the response is the unique-id listing of message 2 given by UIDL

  @sec-7 @MUST @req-1939-UIDL-8 @capa-UIDL
  Scenario: Messages marked as deleted are not listed
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client has marked message 1 as deleted
    When the client sends "UIDL"
    Then the unique-id listing does not list message 1
    And the unique-id listing lists message 2

  @sec-7 @MUST @req-1939-UIDL-9
  Scenario: UIDL for a message that does not exist gets -ERR
    Given the client is logged in
    When the client sends "UIDL 999999"
    Then the response is -ERR
