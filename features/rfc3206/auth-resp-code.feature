# RFC 3206 §6 The AUTH-RESP-CODE Capability: "CAPA tag: AUTH-RESP-CODE  Arguments: none  Added
# commands: none  Standard commands affected: none  Announced states / possible differences: both /
# no ... The AUTH-RESP-CODE capability indicates that the server includes the AUTH response code
# with any authentication error caused by a problem with the user's credentials."
# §5: the AUTH code "informs the client that there is a problem with the user's credentials", and
# nothing else: a login refused because the maildrop is locked is [IN-USE] (RFC 2449 §8.1.2), and a
# cancelled AUTH exchange (RFC 5034 §4, "*") is no problem with the credentials either.
# AUTH is an authentication command (§5), so a failed SASL exchange with wrong credentials is one of
# the "authentication errors" §6 speaks of.
@rfc3206
Feature: The AUTH-RESP-CODE capability (RFC 3206 §5, §6)

  @sec-6 @MUST @req-3206-CAPA-2 @capa-AUTH-RESP-CODE
  Scenario: AUTH-RESP-CODE has no arguments and is announced in both states
    Given the server announces AUTH-RESP-CODE
    And the client is logged in
    When the client asks for the capabilities
    Then the AUTH-RESP-CODE capability has no arguments
    And the capabilities include AUTH-RESP-CODE

  @sec-6 @MUST @req-3206-CAPA-1 @capa-AUTH-RESP-CODE @capa-SASL
  Scenario: With AUTH-RESP-CODE, AUTH PLAIN with a wrong password is answered [AUTH]
    Given the server announces AUTH-RESP-CODE
    And the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${wrong-pass}"
    Then the response is -ERR with the response code [AUTH]

  @sec-5 @MUST @req-3206-AUTH-1
  Scenario: A login refused because the maildrop is in use is not answered [AUTH]
    Given client A is logged in
    And client B is connected
    When client B sends "USER ${user}"
    And client B sends "PASS ${pass}"
    Then the server refused the second login to the maildrop in use
    And the response does not carry the response code [AUTH]

  @sec-5 @MUST @req-3206-AUTH-1 @capa-SASL
  Scenario: A cancelled AUTH exchange is not answered [AUTH]
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN"
    And the client answers "*"
    Then the response is -ERR
    And the response does not carry the response code [AUTH]
