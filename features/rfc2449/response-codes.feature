# RFC 2449 §8 Extended POP3 Response Codes: "This specification amends the POP3 standard to permit an
# optional response code, enclosed in square brackets, at the beginning of the human readable text
# portion of an "+OK" or "-ERR" response. ... If a server supports extended response codes, it
# indicates this by including the RESP-CODES capability in the CAPA response."
# §6.4 RESP-CODES: "any response text issued by this server which begins with an open square
# bracket ("[") is an extended response code".
# §8.1.1 LOGIN-DELAY and §8.1.2 IN-USE: "This occurs on an -ERR response to an AUTH, ... PASS or APOP
# command". The codes of RFC 3206 (SYS, AUTH) are checked in features/rfc3206/.
@rfc2449
Feature: Extended response codes (RFC 2449 §8)

  Background: a session that provokes many kinds of replies, positive and negative
    Given the client is connected
    When the client sends "XYZZ"
    And the client sends "STAT"
    And the client sends "USER ${user}"
    And the client sends "PASS ${wrong-pass}"
    And the client sends "USER ${unknown-user}"
    And the client sends "PASS ${pass}" unless USER was refused
    And the client logs in
    And the client sends "RETR 999999"
    And the client sends "LIST abc"
    And the client sends "USER ${user}"
    And the client sends "QUIT"

  @sec-8 @MUST @req-2449-CODE-1 @req-2449-GRAM-5
  Scenario: Response codes open the text and are well formed
    Then every response code in the scenario is well formed

  @sec-8 @MUST @req-2449-CODE-1
  Scenario: Each response code appears only with the replies it is valid for
    Then every response code in the scenario is valid for its command and status

  @sec-6.4 @MUST @req-2449-RESPCODES-1 @capa-RESP-CODES
  Scenario: With RESP-CODES, every response text that begins with "[" is a response code
    Given the server announces RESP-CODES
    Then every response text in the scenario that begins with "[" is a response code

  @sec-8 @MUST @req-2449-CODE-2
  Scenario: A server that sends response codes announces RESP-CODES
    Given the server sent a response code in this scenario
    Then CAPA lists RESP-CODES
