# RFC 1939 §3 Basic Operation: "A server MUST respond to a command issued when the session is in an
# incorrect state by responding with a negative status indicator."
# §5: STAT, LIST, RETR, DELE, NOOP, RSET "may only be given in the TRANSACTION state"; §7: TOP and
# UIDL likewise; USER "may only be given in the AUTHORIZATION state after the POP3 greeting or after
# an unsuccessful USER or PASS command"; PASS "may only be given in the AUTHORIZATION state
# immediately after a successful USER command"; APOP "may only be given in the AUTHORIZATION state".
@rfc1939
Feature: Commands in the wrong state (RFC 1939 §3, §5, §7)

  @sec-3 @MUST @req-1939-ERR-3
  Scenario Outline: "<command>" before login gets -ERR and the session stays in AUTHORIZATION
    Given the client is connected
    When the client sends "<command>"
    Then the response is -ERR
    When the client logs in
    Then the response is +OK

    Examples:
      | command  |
      | STAT     |
      | LIST     |
      | LIST 1   |
      | RETR 1   |
      | DELE 1   |
      | NOOP     |
      | RSET     |
      | TOP 1 0  |
      | UIDL     |
      | UIDL 1   |

  @sec-3 @MUST @req-1939-ERR-3
  Scenario: A TRANSACTION command between USER and PASS gets -ERR
    Given the client is connected
    When the client sends "USER ${user}"
    Then the response is +OK
    When the client sends "STAT"
    Then the response is -ERR

  @sec-3 @MUST @req-1939-ERR-3
  Scenario Outline: "<command>" after login gets -ERR and the session stays in TRANSACTION
    Given the client is logged in
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "STAT"
    Then the response is +OK

    Examples:
      | command                                          |
      | USER ${user}                                     |
      | PASS ${pass}                                     |
      | APOP ${user} 0123456789abcdef0123456789abcdef    |

  @sec-7 @MUST @req-1939-PASS-1
  Scenario: PASS without USER gets -ERR
    Given the client is connected
    When the client sends "PASS ${pass}"
    Then the response is -ERR
    When the client sends "STAT"
    Then the response is -ERR

  @sec-7 @MUST @req-1939-PASS-1
  Scenario: PASS right after a failed PASS gets -ERR, even with the right password
    Given the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    Then the response is -ERR
    Given the server kept the connection open
    When the client sends "PASS ${pass}"
    Then the response is -ERR

  @sec-7 @MUST @req-1939-PASS-1
  Scenario: PASS that does not immediately follow USER gets -ERR
    Given the client is connected
    When the client sends "USER ${user}"
    Then the response is +OK
    When the client sends "CAPA"
    And the client sends "PASS ${pass}"
    Then the response is -ERR
