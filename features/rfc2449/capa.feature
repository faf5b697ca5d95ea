# RFC 2449 §5 The CAPA Command: "The POP3 CAPA command returns a list of capabilities supported by
# the POP3 server. It is available in both the AUTHORIZATION and TRANSACTION states. ...
# Capabilities available in the AUTHORIZATION state MUST be announced in both states. If a
# capability is announced in both states, but the argument might differ after authentication, this
# possibility MUST be stated in the capability description."
# "An +OK response is followed by a list of capabilities, one per line. Each capability name MAY be
# followed by a single space and a space-separated list of parameters. Each capability line is
# limited to 512 octets (including the CRLF). The capability list is terminated by a line
# containing a termination octet (".") and a CRLF pair."
# §3: capa-resp = single-line *capability "." CRLF; capability = capa-tag *(SP param) CRLF
#     ;512 octets maximum; capa-tag = 1*cchar; cchar = %x21-2D / %x2F-7F.
# "An -ERR response indicates the capability command is not implemented": such a server is not
# tested here (SKIP).
@rfc2449
Feature: The CAPA command (RFC 2449 §3, §5)

  @sec-5 @MUST @req-2449-CAPA-1
  Scenario: CAPA answers +OK and a list before login
    Given the server implements CAPA
    And the client is connected
    When the client asks for the capabilities
    Then the response is +OK

  @sec-5 @MUST @req-2449-CAPA-1
  Scenario: CAPA answers +OK and a list after login
    Given the server implements CAPA
    And the client is logged in
    When the client asks for the capabilities
    Then the response is +OK

  @sec-5 @MUST @req-2449-CAPA-8 @req-2449-CAPA-9
  Scenario Outline: Each capability is one line: a tag, then single-space separated parameters (<state>)
    Given the server implements CAPA
    And the client is <state>
    When the client asks for the capabilities
    Then every capability line is a tag and single-space separated parameters, at most 512 octets with CRLF

    Examples:
      | state     |
      | connected |
      | logged in |

  @sec-3 @MUST @req-2449-GRAM-4
  Scenario Outline: The CAPA response follows the grammar of §3 (<state>)
    Given the server implements CAPA
    And the client is <state>
    When the client asks for the capabilities
    Then every capability line is a tag and single-space separated parameters, at most 512 octets with CRLF
    And the response follows the response grammar

    Examples:
      | state     |
      | connected |
      | logged in |

  @sec-5 @MUST @req-2449-CAPA-10
  Scenario: The capability list ends with a line holding only "."
    Given the server implements CAPA
    And the client is connected
    When the client asks for the capabilities
    Then every multi-line response in the scenario ends with a line holding only "." and CRLF
    When the client sends "NOOP"
    Then the response is -ERR

  @sec-5 @MUST @req-2449-CAPA-3
  Scenario: Every capability announced before login is announced after login
    Given the server implements CAPA
    And the client is connected
    When the client asks for the capabilities
    And the client logs in
    And the client asks for the capabilities
    Then every capability announced before login is announced after login

  @sec-5 @MUST @req-2449-CAPA-4 @req-5034-SASL-5
  Scenario: Capabilities whose arguments cannot change at login keep them after login
    Given the server implements CAPA
    And the client is connected
    When the client asks for the capabilities
    And the client logs in
    And the client asks for the capabilities
    Then the capabilities that cannot change at login have the same arguments before and after login
