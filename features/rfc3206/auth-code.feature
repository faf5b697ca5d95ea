# RFC 3206 §5 The AUTH Response Code: "The AUTH response code informs the client that there is a
# problem with the user's credentials. This might be an incorrect password, an unknown user name,
# an expired account, an attempt to authenticate in violation of policy (such as from an invalid
# location or during an unauthorized time), or some other problem." "The AUTH response code is valid
# with an -ERR response to any authentication command including AUTH, USER (see note), PASS, or
# APOP." "Servers which include the AUTH response code with any authentication failure SHOULD
# support the CAPA command [POP3-EXT] and SHOULD include the AUTH-RESP-CODE capability in the CAPA
# response." "It is strongly RECOMMENDED that the server not issue this response code to the USER
# command" (it tells a client which user names exist).
# §4: "The SYS response code is valid with an -ERR response to any command."
# §6 AUTH-RESP-CODE: "the server includes the AUTH response code with any authentication error
# caused by a problem with the user's credentials."
@rfc3206
Feature: The AUTH response code (RFC 3206 §4-§6)

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

  @sec-4 @sec-5 @MUST @req-3206-SYS-3 @req-3206-AUTH-2
  Scenario: SYS appears only with -ERR, AUTH only with -ERR to an authentication command
    Then every response code in the scenario is valid for its command and status

  @sec-5 @SHOULD @req-3206-AUTH-3
  Scenario: A server that answers a wrong password with [AUTH] announces AUTH-RESP-CODE
    Given the server answered the wrong password with the response code [AUTH]
    Then CAPA lists AUTH-RESP-CODE

  @sec-5 @SHOULD @req-3206-AUTH-4
  Scenario: USER is never answered [AUTH]
    Then no reply to USER in the scenario carries the response code [AUTH]

  @sec-6 @MUST @req-3206-CAPA-1 @capa-AUTH-RESP-CODE
  Scenario: With AUTH-RESP-CODE, a wrong password and an unknown user are answered [AUTH]
    Then the wrong password was answered -ERR with the response code [AUTH]
    And the unknown user was answered -ERR with the response code [AUTH]
