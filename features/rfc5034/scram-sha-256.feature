# RFC 7677 §3: "The SCRAM-SHA-256 and SCRAM-SHA-256-PLUS SASL mechanisms are defined in the same way
# that SCRAM-SHA-1 and SCRAM-SHA-1-PLUS are defined in [RFC5802], except that the hash function for
# HMAC() and H() uses SHA-256 instead of SHA-1" ... "the hash iteration-count announced by a server
# SHOULD be at least 4096."
# RFC 5802 §5: "the server sends a "server-first-message" containing the user's iteration count i and
# the user's salt, and appends its own nonce to the client-specified one." "The server verifies the
# nonce and the proof ... and, finally, it responds with a "server-final-message"". "the client's
# first message will always start with "n", "y", or "p"; otherwise, the message is invalid and
# authentication MUST fail." §5.1: "The server MUST verify that the nonce sent by the client in the
# second message is the same as the one sent by the server in its first message." "v: ... used by
# the client to verify that the server has access to the user's authentication information." "If the
# server-final-message is sent on authentication failure, then the "e" attribute MUST be included."
# §6: "The server MUST always validate the client's "c=" field."
# RFC 5034 §4: "Note that POP3 does not allow for additional data to be sent with a message
# indicating a successful outcome": the server-final-message comes as a challenge, answered by an
# empty line, then +OK. Without an initial response the exchange starts with the empty challenge.
@rfc7677
Feature: The SCRAM-SHA-256 mechanism over AUTH (RFC 7677 §3, RFC 5802)

  @sec-3 @MUST @req-7677-SCRAM-1 @req-7677-SCRAM-2 @req-7677-SCRAM-3 @req-5034-AUTH-21 @req-5034-AUTH-13 @capa-SASL
  Scenario: SCRAM-SHA-256 logs in, and the server proves it knows the password
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client logs in with SCRAM-SHA-256
    Then the response is +OK
    And the server-first-message extends the client nonce and gives a salt and an iteration count
    And the server-final-message came as a challenge, and +OK after the empty response
    And the SCRAM server signature proves the server knows the password
    And every challenge in the scenario is "+", a space and base64, and nothing else
    When the client sends "STAT"
    Then the response is +OK

  @sec-3 @MUST @req-5034-AUTH-6 @req-7677-SCRAM-1 @capa-SASL
  Scenario: Without an initial response, SCRAM-SHA-256 starts with the empty challenge
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client logs in with SCRAM-SHA-256 without an initial response
    Then the AUTH command was answered with the empty challenge "+ "
    And the response is +OK
    And the SCRAM server signature proves the server knows the password

  @sec-3 @SHOULD @req-7677-SCRAM-4 @capa-SASL
  Scenario: The iteration count is at least 4096
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client logs in with SCRAM-SHA-256
    Then the SCRAM iteration count is at least 4096

  @sec-3 @MUST @req-7677-SCRAM-8 @capa-SASL
  Scenario: A wrong password fails; a server-final-message, if sent, carries "e="
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client tries SCRAM-SHA-256 with a wrong password
    Then the SCRAM exchange fails, any server-final-message carrying "e="

  @sec-3 @MUST @req-7677-SCRAM-5 @capa-SASL
  Scenario: A client-final-message with a nonce other than the server's fails
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client tries SCRAM-SHA-256 with a nonce of its own in the client-final-message
    Then the SCRAM exchange fails, any server-final-message carrying "e="

  @sec-3 @MUST @req-7677-SCRAM-6 @capa-SASL
  Scenario: A client-final-message whose "c=" is not the GS2 header it sent fails
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client tries SCRAM-SHA-256 with "c=" of another GS2 header in the client-final-message
    Then the SCRAM exchange fails, any server-final-message carrying "e="

  @sec-3 @MUST @req-7677-SCRAM-7 @capa-SASL
  Scenario: A client-first-message that does not start with "n", "y" or "p" fails
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism SCRAM-SHA-256
    When the client sends "AUTH SCRAM-SHA-256" with the base64 of "x,,n=${user},r=popcheck0nonce0a1b2c3"
    Then the SCRAM exchange fails, any server-final-message carrying "e="
