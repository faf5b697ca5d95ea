# RFC 5034 §4: "A server implementation MUST implement a configuration in which it does NOT
# advertise or permit any plaintext password mechanisms, unless the STLS command has been used to
# negotiate a TLS session (see [RFC2595]). As described by RFC 4616, this configuration SHOULD be the
# default configuration."
# RFC 4616 §5: "By default, implementations SHOULD NOT advertise and SHOULD NOT make use of the PLAIN
# mechanism unless adequate data security services are in place."
# Whether a server can be configured so is not visible from another server's configuration: the
# bundled server shows it, configured to treat the suite's loopback client as a remote one (which it
# refuses cleartext passwords without TLS by default).
@rfc5034
Feature: No plaintext password mechanism before STLS, when configured so (RFC 5034 §4)

  @sec-4 @MUST @req-5034-AUTH-17 @req-4616-PLAIN-7 @bundled
  Scenario: PLAIN and LOGIN are neither announced nor accepted before STLS, and are after it
    Given the bundled server offers STLS and refuses cleartext passwords without TLS
    And the client is connected without TLS
    When the client asks for the capabilities
    Then the SASL capability does not list PLAIN or LOGIN
    When the client sends "AUTH PLAIN ${plain-ir}"
    Then the response is -ERR
    When the client sends "AUTH LOGIN"
    Then the response is -ERR
    When the client sends "STLS"
    Then the response is +OK
    And the TLS negotiation succeeds
    When the client asks for the capabilities
    Then the SASL capability lists PLAIN
    And the SASL capability lists LOGIN
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK
