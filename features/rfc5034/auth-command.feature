# RFC 5034 §4 The AUTH Command: "AUTH mechanism [initial-response]" ... "If present, this response
# MUST be encoded as Base64 (specified in Section 4 of [RFC4648]), or consist only of the single
# character "=", which represents an empty initial response."
# Restrictions: "After a successful AUTH command completes, a server MUST reject any further AUTH
# commands with an -ERR reply. The AUTH command may only be given during the AUTHORIZATION state."
# "If the requested authentication mechanism is not supported, the server rejects the AUTH command
# with an -ERR reply." "A server challenge is sent as a line consisting of a "+" character, followed
# by a single space and a string encoded using Base64 ... This line MUST NOT contain any text other
# than the BASE64-encoded challenge." "If the client wishes to cancel the authentication exchange,
# it issues a line with a single "*". If the server receives such a response, it MUST reject the
# AUTH command by sending an -ERR reply." "If the initial response argument is omitted and the
# chosen mechanism requires an initial client response, the server MUST proceed by issuing an empty
# challenge ... a line with only a "+", followed by a single space. It MUST NOT contain any other
# data." "If the server is unable to authenticate the client, it MUST reject the AUTH command with an
# -ERR reply. Should the client successfully complete the exchange, the server issues a +OK reply.
# Additionally, upon success, the POP3 session enters the TRANSACTION state." "If an AUTH command
# fails ... the server MUST behave as if the client had not issued the AUTH command."
# "If preparation of the authorization identity fails or results in an empty string (unless it was
# transmitted as the empty string), the server MUST fail the authentication."
# §5: "Implementations MUST accept these strings in a case-insensitive fashion."
# PLAIN (RFC 4616) is the mechanism every server with SASL must have (§4); the scenarios use it and
# end NOT-ADVERTISED when the connection's SASL line does not list it.
@rfc5034
Feature: The AUTH command (RFC 5034 §4, §5)

  @sec-4 @MUST @req-5034-AUTH-1
  Scenario: AUTH with a mechanism the server does not support is refused
    Given the client is connected
    When the client sends "AUTH X-POPCHECK-NO-SUCH-MECHANISM"
    Then the response is -ERR

  @sec-4 @MUST @req-5034-AUTH-13 @req-5034-AUTH-6 @capa-SASL
  Scenario: AUTH PLAIN without an initial response gets the empty challenge "+ ", then logs in
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client logs in with AUTH PLAIN, answering the empty challenge
    Then the AUTH command was answered with the empty challenge "+ "
    And the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-13 @capa-SASL
  Scenario: AUTH PLAIN with an initial response logs in and enters the TRANSACTION state
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-13 @capa-SASL
  Scenario: AUTH LOGIN logs in
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism LOGIN
    When the client logs in with AUTH LOGIN
    Then the response is +OK
    And every challenge in the scenario is "+", a space and base64, and nothing else
    When the client sends "STAT"
    Then the response is +OK

  @sec-5 @MUST @req-5034-GRAM-1 @capa-SASL
  Scenario Outline: The AUTH keyword and the mechanism name are case-insensitive: "<command> …"
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client logs in with the AUTH command "<command> ${plain-ir}"
    Then the response is +OK

    Examples:
      | command    |
      | auth plain |
      | Auth Plain |

  @sec-4 @MUST @req-5034-AUTH-12 @req-5034-AUTH-15 @capa-SASL
  Scenario: A wrong password is refused, and the session is as if AUTH had not been sent
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${wrong-pass}"
    Then the response is -ERR
    Given the server kept the connection open
    When the client sends "STAT"
    Then the response is -ERR
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-5 @req-5034-AUTH-15 @capa-SASL
  Scenario: "*" cancels the exchange with -ERR, and the client can log in after it
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN"
    And the client answers "*"
    Then the response is -ERR
    Given the server kept the connection open
    When the client logs in
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-2 @capa-SASL
  Scenario: A second AUTH after a successful one is refused
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK
    When the client sends "AUTH PLAIN ${plain-ir}"
    Then the response is -ERR
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-3
  Scenario: AUTH is refused in the TRANSACTION state (after USER and PASS)
    Given the client is logged in
    When the client sends "AUTH PLAIN ${plain-ir}"
    Then the response is -ERR
    When the client sends "STAT"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-7 @capa-SASL
  Scenario: "=" is an empty initial response, not a missing one: "AUTH PLAIN =" fails at once
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN ="
    Then the response is -ERR
    Given the server kept the connection open
    When the client logs in with the AUTH command "AUTH PLAIN ${plain-ir}"
    Then the response is +OK

  @sec-4 @MUST @req-5034-AUTH-9 @req-5034-AUTH-10 @capa-SASL
  Scenario Outline: An initial response that is not base64 is refused: "<text>"
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN <text>"
    Then the response is -ERR

    Examples:
      | text     |
      | =AAA     |
      | AAA=BBB  |
      | AG!hbGlj |
      | AGFsaWN  |
      | AA==AA== |

  @sec-4 @MUST @req-5034-AUTH-9 @req-5034-AUTH-10 @capa-SASL
  Scenario Outline: A response line that is not base64 is refused: "<text>"
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN"
    And the client answers "<text>"
    Then the response is -ERR

    Examples:
      | text     |
      | =AAA     |
      | AAA=BBB  |
      | AG!hbGlj |
      | AGFsaWN  |

  @sec-4 @MUST @req-5034-AUTH-10 @capa-SASL
  Scenario Outline: The right credentials in base64 with "<insert>" inside are refused, not decoded around it
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${pass}", with "<insert>" inserted in it
    Then the response is -ERR

    Examples:
      | insert |
      | !      |
      | .      |
      | -      |
      | =      |

  @sec-4 @MUST @req-5034-AUTH-10 @capa-SASL
  Scenario: The right credentials as two padded base64 pieces ("AAA=BBB") are refused
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN" with the base64 of "\x00${user}\x00${pass}" in two padded pieces
    Then the response is -ERR

  @sec-4 @MUST @req-5034-AUTH-14 @capa-SASL
  Scenario Outline: An authorization identity that SASLprep <why> fails the authentication
    Given the client is connected over TLS if the target offers it
    And the server announces the SASL mechanism PLAIN
    When the client sends "AUTH PLAIN" with the base64 of "<authzid>\x00${user}\x00${pass}"
    Then the response is -ERR

    Examples:
      | why                           | authzid  |
      | rejects (a control character) | \x07     |
      | maps to nothing (U+00AD)      | \xc2\xad |

  @sec-4 @MUST @req-5034-AUTH-8
  Scenario Outline: CRAM-MD5 with an initial response is refused (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client sends "AUTH CRAM-MD5" with the base64 of "${secret-user} 0123456789abcdef0123456789abcdef"
    Then the response is -ERR

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |
