# RFC 2595 §4 POP3 STARTTLS extension: "The POP3 STARTTLS extension adds the STLS command to POP3
# servers. If this is implemented, the POP3 extension mechanism [POP3EXT] MUST also be implemented
# to avoid the need for client probing of multiple commands. The capability name "STLS" indicates
# this command is present and permitted in the current state."
#   STLS  Arguments: none  Restrictions: Only permitted in AUTHORIZATION state.
#   "A TLS negotiation begins immediately after the CRLF at the end of the +OK response from the
#   server. A -ERR response MAY result if a security layer is already active. Once a client issues a
#   STLS command, it MUST NOT issue further commands until a server response is seen and the TLS
#   negotiation is complete."
#   "The STLS command is only permitted in AUTHORIZATION state and the server remains in
#   AUTHORIZATION state, even if client credentials are supplied during the TLS negotiation."
#   "Once TLS has been started, the client MUST discard cached information about server
#   capabilities and SHOULD re-issue the CAPA command. ... The server MAY advertise different
#   capabilities after STLS."
# §8: "CAPA tag: STLS ... Announced states/Valid states: AUTHORIZATION state only."
# §9: "Any protocol interactions prior to the TLS handshake are performed in the clear and can be
# modified by a man-in-the-middle attacker."
# RFC 8314 §4: "servers SHOULD NOT advertise STARTTLS if the use of the STARTTLS command by a client is
# likely to fail (for example, if the server has no server certificate configured)."
# Most scenarios issue STLS themselves, on a connection without TLS (also under --tls stls); a run
# with --tls implicit has none, and skips them. Those about a session where TLS is already active
# run on any TLS connection the run can make (STLS, or implicit TLS).
@rfc2595
Feature: The STLS command (RFC 2595 §4)

  @sec-4 @MUST @req-2595-STLS-1 @req-2595-STLS-4 @req-8314-TLS-5 @capa-STLS
  Scenario: STLS, when announced, is answered +OK and the TLS negotiation begins right after it
    Given the client is connected without TLS
    And the server announces STLS before TLS
    When the client sends "STLS"
    Then the response is +OK
    And the TLS negotiation succeeds
    When the client asks for the capabilities
    Then the response is +OK

  @sec-4 @MUST @req-2595-CAPA-1
  Scenario: A server that accepts STLS implements CAPA
    Given the client is connected without TLS
    When the client sends "STLS"
    Then the server accepted STLS, or does not offer it
    And the TLS negotiation succeeds
    When the client asks for the capabilities
    Then the response is +OK

  # "Once TLS is active": after STLS, or from the first octet with --tls implicit.
  @sec-4 @MUST @req-2595-STLS-3
  Scenario: Once TLS is active, CAPA no longer announces STLS
    Given the client is connected over TLS
    When the client asks for the capabilities
    Then the capabilities do not include STLS

  @sec-4 @MUST @req-2595-STLS-3 @capa-STLS
  Scenario: STLS is not announced after login
    Given the client is connected without TLS
    And the server announces STLS before TLS
    When the client logs in without TLS, if the server allows it
    And the client asks for the capabilities
    Then the capabilities do not include STLS

  @sec-4 @MUST @req-2595-STLS-2 @capa-STLS
  Scenario: STLS is refused in the TRANSACTION state, and the session goes on without TLS
    Given the client is connected without TLS
    And the server announces STLS before TLS
    When the client logs in without TLS, if the server allows it
    And the client sends "STLS"
    Then the response is -ERR
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MAY @req-2595-STLS-5
  Scenario: STLS is refused once TLS is active
    Given the client is connected over TLS
    When the client sends "STLS"
    Then the response is -ERR
    When the client asks for the capabilities
    Then the response is +OK

  @sec-4 @MUST @req-2595-STLS-6 @capa-STLS
  Scenario: After STLS the session is still in the AUTHORIZATION state
    Given the client is connected without TLS
    And the server announces STLS before TLS
    When the client starts TLS with STLS
    And the client sends "STAT"
    Then the response is -ERR
    When the client logs in
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MUST @req-2595-STLS-8 @capa-STLS
  Scenario: A command sent right after STLS, before the TLS negotiation, is not run under TLS
    Given the client is connected without TLS
    And the server announces STLS before TLS
    When the client sends "STLS" and, in the same write, "USER ${user}"
    Then the response is +OK
    And the USER written after STLS is not executed after the TLS negotiation
