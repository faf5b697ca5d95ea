# RFC 8314 §3.1 Implicit TLS for POP: "When a TCP connection is established for the "pop3s" service
# (default port 995), a TLS handshake begins immediately. ... Once the TLS session is established,
# POP3 [RFC1939] protocol messages are exchanged as TLS application data for the remainder of the
# TCP connection. After the server sends an +OK greeting, the server and client MUST enter the
# AUTHORIZATION state, even if a client certificate was supplied during the TLS handshake."
# §4: "Mail Access Servers and Mail Submission Servers MUST support TLS 1.2 or later."
# §4.1: "After a user's ability to authenticate to a server using cleartext is revoked, the server
# denying such access MUST NOT provide any indication over a cleartext channel of whether the user's
# authentication credentials were valid. An attempt to authenticate as such a user using either
# invalid credentials or valid credentials MUST both result in the same indication of access being
# denied."
# Implicit TLS is checked when the run uses it (--tls implicit, against the pop3s port); the TLS
# version on any TLS connection the run can make (implicit, or STLS when announced).
@rfc8314
Feature: TLS for POP3 access (RFC 8314 §3.1, §4)

  @sec-3.1 @MUST @req-8314-TLS-1 @req-8314-TLS-2
  Scenario: With implicit TLS the greeting comes over TLS, and the session starts in AUTHORIZATION
    Given the run uses implicit TLS
    When the client connects
    Then the connection of the client is TLS
    And the greeting is +OK
    When the client sends "STAT"
    Then the response is -ERR
    When the client logs in
    Then the response is +OK

  @sec-4 @MUST @req-8314-TLS-6
  Scenario: The TLS version is 1.2 or later
    Given the client is connected over TLS
    Then the TLS version of the client is 1.2 or later

  @sec-4.1 @MUST @req-8314-TLS-7 @bundled
  Scenario: Refusing cleartext passwords, the server answers the right and the wrong password alike
    Given the bundled server offers STLS and refuses cleartext passwords without TLS
    And the client is connected without TLS
    And client B is connected without TLS
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}" unless USER was refused
    And the client sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${pass}"
    And client B sends "USER ${user}"
    And client B sends "PASS ${wrong-pass}" unless USER was refused
    And client B sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${wrong-pass}"
    Then the client and client B got the same replies
