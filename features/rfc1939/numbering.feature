# RFC 1939 §4: "After the POP3 server has opened the maildrop, it assigns a message-number to each
# message, and notes the size of each message in octets. The first message in the maildrop is
# assigned a message-number of "1", the second is assigned "2", and so on, so that the nth message
# in a maildrop is assigned a message-number of "n". In POP3 commands and responses, all
# message-numbers and message sizes are expressed in base-10 (i.e., decimal)."
# §5, §7: the message-number argument of LIST, RETR, DELE, TOP and UIDL "may NOT refer to a message
# marked as deleted"; DELE: "Any future reference to the message-number associated with the message
# in a POP3 command generates an error."
@rfc1939
Feature: Message numbers and messages marked as deleted (RFC 1939 §4, §5, §7)

  @sec-4 @MUST @req-1939-NUM-1
  Scenario: Messages are numbered 1, 2, 3 ... in order
    Given the client is logged in
    When the client sends "STAT"
    And the client sends "LIST"
    Then the scan listing has one line per message, numbered from 1 in order

  @sec-4 @MUST @req-1939-NUM-1
  Scenario: Message numbers do not change when a message is marked as deleted
    Given the client is logged in
    And the maildrop holds at least 3 messages
    And the client notes the reply to "LIST 2"
    And the client notes the reply to "LIST 3"
    When the client sends "DELE 1"
    Then the response is +OK
    And the client gets the same reply to "LIST 2" as noted
    And the client gets the same reply to "LIST 3" as noted

  @sec-4 @MUST @req-1939-NUM-2
  Scenario: Message numbers and sizes are decimal numbers
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "STAT"
    And the client sends "LIST"
    And the client sends "LIST 1"
    Then every message number and size in the scenario is a decimal number

  @sec-5 @MUST @req-1939-DELE-2
  Scenario Outline: A message marked as deleted cannot be named again: "<command>"
    Given the client is logged in
    And the maildrop holds at least 2 messages
    And the client has marked message 1 as deleted
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "LIST 2"
    Then the response is +OK

    Examples:
      | command |
      | RETR 1  |
      | DELE 1  |
      | LIST 1  |
      | TOP 1 0 |
      | UIDL 1  |

  @sec-5 @MUST @req-1939-RETR-3 @req-1939-LIST-7 @req-1939-DELE-4
  Scenario Outline: A message number past the last message gets -ERR: "<command>"
    Given the client is logged in
    When the client sends "<command>" for the message after the last one
    Then the response is -ERR
    When the client sends "NOOP"
    Then the response is +OK

    Examples:
      | command |
      | RETR    |
      | LIST    |
      | DELE    |

  @sec-7 @MUST @req-1939-TOP-4 @req-1939-UIDL-9
  Scenario Outline: An optional command with a message number past the last message gets -ERR: "<command>"
    Given the client is logged in
    When the client sends "<command>" for the message after the last one
    Then the response is -ERR

    Examples:
      | command |
      | TOP     |
      | UIDL    |
