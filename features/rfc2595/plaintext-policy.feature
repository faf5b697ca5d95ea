# RFC 2595 §2.3 Clear-Text Password Requirements: "Clients and servers which implement STARTTLS MUST
# be configurable to refuse all clear-text login commands or mechanisms (including both
# standards-track and nonstandard mechanisms) unless an encryption layer of adequate strength is
# active."
# §9: "PLAIN MUST NOT be advertised or used unless a suitable TLS encryption layer is active or
# backwards compatibility dictates otherwise."
# RFC 2595 §8 STLS: "Standard commands affected: May enable USER/PASS as a side-effect."
# Whether a server can be configured so is not visible from another server's configuration: the
# bundled server shows it, configured to treat the suite's loopback client as a remote one (it
# refuses cleartext passwords without TLS from any address but loopback by default).
@rfc2595
Feature: Cleartext passwords refused without TLS, when configured so (RFC 2595 §2.3, §9)

  @sec-2.3 @sec-9 @MUST @req-2595-PLAIN-1 @req-2595-PLAIN-3 @bundled
  Scenario: USER, PASS, PLAIN and LOGIN are refused and not announced before STLS, and work after it
    Given the bundled server offers STLS and refuses cleartext passwords without TLS
    And the client is connected without TLS
    When the client asks for the capabilities
    Then the capabilities include STLS
    And the capabilities do not include USER
    And the SASL capability does not list PLAIN or LOGIN
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}" unless USER was refused
    Then the last response is -ERR
    When the client sends "AUTH PLAIN ${plain-ir}"
    Then the response is -ERR
    When the client sends "STLS"
    Then the response is +OK
    And the TLS negotiation succeeds
    When the client asks for the capabilities
    Then the capabilities include USER
    And the SASL capability lists PLAIN
    When the client logs in
    Then the response is +OK
