# RFC 1939 §3 Basic Operation: "When the connection is established, the POP3 server sends a
# greeting." §4 The AUTHORIZATION State: "Once the TCP connection has been opened by a POP3 client,
# the POP3 server issues a one line greeting. This can be any positive response." Appendix A:
# "specifies that the initial greeting is a positive response".
@rfc1939
Feature: The greeting (RFC 1939 §3, §4)
  A POP3 server speaks first: one positive line, then the session is in the AUTHORIZATION state.

  @sec-3 @MUST @req-1939-GREET-1
  Scenario: The server sends a greeting as soon as the connection is established
    When the client connects
    Then the server sends a greeting line

  @sec-4 @MUST @req-1939-GREET-2
  Scenario: The greeting is a positive response
    When the client connects
    Then the greeting is +OK
    And the greeting follows the response grammar

  @sec-4 @MUST @req-1939-GREET-2
  Scenario: The greeting is one line: the next line answers the client's first command
    Given the client is connected
    When the client sends "XYZZ"
    Then the response is -ERR

  @sec-4 @MUST @req-1939-GREET-2 @req-1939-AUTH-2
  Scenario: After the greeting the session is in the AUTHORIZATION state
    Given the client is connected
    When the client sends "STAT"
    Then the response is -ERR
    When the client logs in
    And the client sends "STAT"
    Then the response is +OK
