# RFC 2449 §8 Extended POP3 Response Codes: "This specification amends the POP3 standard to permit an
# optional response code, enclosed in square brackets, at the beginning of the human readable text
# portion of an "+OK" or "-ERR" response. ... If a server supports extended response codes, it
# indicates this by including the RESP-CODES capability in the CAPA response."
# §6.4 RESP-CODES: "any response text issued by this server which begins with an open square
# bracket ("[") is an extended response code".
# §8.1.2 IN-USE: "This occurs on an -ERR response to an AUTH, APOP, or PASS command. It indicates the
# authentication was successful, but the user's maildrop is currently in use".
# RFC 3206 §4 SYS: "The SYS response code is valid with an -ERR response to any command."
# RFC 3206 §5 AUTH: "informs the client that there is a problem with the user's credentials ...
# valid with an -ERR response to any authentication command including AUTH, USER (see note), PASS,
# or APOP. Servers which include the AUTH response code with any authentication failure SHOULD
# support the CAPA command and SHOULD include the AUTH-RESP-CODE capability ... It is strongly
# RECOMMENDED that the server not issue this response code to the USER command."
# RFC 3206 §6 AUTH-RESP-CODE: "the server includes the AUTH response code with any authentication
# error caused by a problem with the user's credentials."
# These scenarios are about RFC 2449 §8 codes and carry @rfc2449 @sec-8; the RFC 3206 ones say so
# in their @req- tags.
@rfc2449
Feature: Extended response codes (RFC 2449 §8, RFC 3206)

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

  @sec-8 @MUST @req-2449-CODE-1 @req-3206-SYS-3 @req-3206-AUTH-2
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

  @sec-8 @SHOULD @req-2449-CODE-1 @req-3206-AUTH-3
  Scenario: A server that answers a wrong password with [AUTH] announces AUTH-RESP-CODE
    Given the server answered the wrong password with the response code [AUTH]
    Then CAPA lists AUTH-RESP-CODE

  @sec-8 @SHOULD @req-2449-CODE-1 @req-3206-AUTH-4
  Scenario: USER is never answered with [AUTH]
    Then no reply to USER in the scenario carries the response code [AUTH]

  @sec-8 @MUST @req-2449-CODE-1 @req-3206-AUTH-1 @req-3206-CAPA-1 @capa-AUTH-RESP-CODE
  Scenario: With AUTH-RESP-CODE, a wrong password and an unknown user are answered [AUTH]
    Then the wrong password was answered -ERR with the response code [AUTH]
    And the unknown user was answered -ERR with the response code [AUTH]
