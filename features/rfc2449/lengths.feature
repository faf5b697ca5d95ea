# RFC 2449 §4 Parameter and Response Lengths: "The maximum length of a command is increased from 47
# characters (4 character command, single space, 40 character argument, CRLF) to 255 octets,
# including the terminating CRLF. Servers which support the CAPA command MUST support commands up
# to 255 octets. ... The maximum length of the first line of a command response (including the
# initial greeting) is unchanged at 512 octets (including the terminating CRLF)."
@rfc2449
Feature: Command and response lengths (RFC 2449 §4)

  # Whatever the answer to the long command, QUIT is valid next (RFC 1939 §7: after +OK to USER
  # only PASS or QUIT may follow), and its +OK must be the last thing the server sends: a line read
  # in two pieces would have been answered twice.
  @sec-4 @MUST @req-2449-LEN-1
  Scenario Outline: A <verb> command of 255 octets is read whole and answered once
    Given the server implements CAPA
    And the client is connected
    When the client sends a <verb> command of 255 octets
    Then the response follows the response grammar
    Given the server kept the connection open
    When the client sends "QUIT"
    Then the response is +OK
    And the server closes the connection
    And the server sent nothing after its last reply

    Examples:
      | verb |
      | USER |
      | APOP |
      | XYZZ |

  @sec-4 @MUST @req-2449-LEN-1
  Scenario: A PASS command of 255 octets is read whole: the password is checked, not truncated
    Given the server implements CAPA
    And the client is connected
    When the client sends "USER ${user}"
    And the client sends a PASS command of 255 octets
    Then the response is -ERR
    Given the server kept the connection open
    When the client logs in
    Then the response is +OK

  @sec-4 @MUST @req-2449-LEN-1
  Scenario: A 255-octet command split across many writes is still one command
    Given the server implements CAPA
    And the client is logged in
    When the client sends a LIST command of 255 octets, one octet per write
    Then the response is -ERR
    When the client sends "NOOP"
    Then the response is +OK

  @sec-4 @MUST @req-2449-LEN-3
  Scenario: The greeting and the first line of every response fit in 512 octets
    Given the client is connected
    When the client sends a USER command of 255 octets
    And the client sends a XYZZ command of 255 octets
    And the client logs in
    And the client sends a RETR command of 255 octets
    And the client sends a TOP command of 255 octets
    And the client sends "STAT"
    And the client sends "LIST"
    Then no response line in the scenario is longer than 512 octets
