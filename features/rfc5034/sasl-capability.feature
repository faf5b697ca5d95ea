# RFC 5034 §3 The SASL Capability: "The SASL capability permits the use of the AUTH command (as
# defined in Section 4 of this document) to begin a SASL negotiation (as defined in [RFC4422]). The
# argument to the SASL capability is a space-separated list of SASL mechanisms that are supported."
# "Announced states / possible differences: both / no" ... "Note that the list of available
# mechanisms MAY change after a successful STLS command (see [RFC2595]). However, as required by
# [RFC2449], implementations MUST continue to include the SASL capability even after a successful
# AUTH command has been completed (even though no further AUTH commands may be issued)."
# §4: "client and server implementations of this extension MUST implement the PLAIN SASL mechanism
# [RFC4616] running over TLS [RFC2595]." ... "Client and server implementations SHOULD implement
# additional SASL mechanisms that do not send plaintext passwords, such as the GSSAPI [RFC4752]
# mechanism."
# The connections use TLS when the target offers it (STLS, or --tls implicit), as a client sending
# a password would; the mechanisms listed are those of that connection.
@rfc5034
Feature: The SASL capability (RFC 5034 §3, §4)

  @sec-3 @sec-4 @MUST @req-5034-SASL-1 @req-5034-AUTH-4 @req-5034-AUTH-5 @capa-SASL
  Scenario: Every mechanism SASL lists starts an exchange, which "*" cancels with -ERR
    Given the client is connected over TLS if the target offers it
    When the client asks for the capabilities
    Then every SASL mechanism announced starts an exchange, which "*" cancels with -ERR

  @sec-3 @MUST @req-5034-SASL-2 @capa-SASL
  Scenario: SASL is still announced after a successful AUTH
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK
    When the client asks for the capabilities
    Then the capabilities include SASL

  @sec-4 @MUST @req-5034-AUTH-16 @capa-SASL
  Scenario: PLAIN is offered and works over TLS
    Given the client is connected over TLS
    When the client asks for the capabilities
    Then the SASL capability lists PLAIN
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @SHOULD @req-5034-AUTH-19 @capa-SASL
  Scenario: SASL lists a mechanism that does not send the password in the clear
    Given the client is connected over TLS if the target offers it
    When the client asks for the capabilities
    Then the SASL capability lists a mechanism other than PLAIN and LOGIN
