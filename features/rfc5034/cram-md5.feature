# RFC 2195 §2 Challenge-Response Authentication Mechanism (CRAM): "The data encoded in the first
# ready response contains an presumptively arbitrary string of random digits, a timestamp, and the
# fully-qualified primary host name of the server. The syntax of the unencoded form must correspond
# to that of an RFC 822 'msg-id' [RFC822] as described in [POP3]." "The client makes note of the
# data and then responds with a string consisting of the user name, a space, and a 'digest'. The
# latter is computed by applying the keyed MD5 algorithm from [KEYED-MD5] where the key is a shared
# secret and the digested text is the timestamp (including angle-brackets)." "When the server
# receives this client response, it verifies the digest provided. If the digest is correct, the
# server should consider the client authenticated and respond appropriately."
# §4: "a server that implements both a cleartext password command and this authentication type
# should not allow both methods of access for a given user."
# The shared secret is the APOP account's (--apop-user/--apop-pass), else the main account's password.
# The bundled server offers CRAM-MD5 only when every user has a shared secret, so the target of a
# bundled run does not announce it; each scenario also runs on a private bundled server whose users
# all have one.
@rfc2195
Feature: The CRAM-MD5 mechanism over AUTH (RFC 2195 §2, §4)

  @sec-2 @MUST @req-2195-CRAM-1 @req-5034-AUTH-4
  Scenario Outline: The challenge is "+ " and the base64 of an RFC 822 msg-id (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client sends "AUTH CRAM-MD5"
    Then the response is a challenge
    And the CRAM-MD5 challenge is an RFC 822 msg-id "<digits.timestamp@host>"

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |

  @sec-2 @MUST @req-2195-CRAM-2
  Scenario Outline: Every challenge is different (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client sends "AUTH CRAM-MD5"
    And client B connects
    And client B sends "AUTH CRAM-MD5"
    Then the CRAM-MD5 challenges to the client and client B differ

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |

  @sec-2 @SHOULD @req-2195-CRAM-3 @req-5034-AUTH-13
  Scenario Outline: The right digest logs in (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client logs in with AUTH CRAM-MD5
    Then the response is +OK
    When the client sends "STAT"
    Then the response is +OK

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |

  @sec-2 @MUST @req-2195-CRAM-4 @req-5034-AUTH-12
  Scenario Outline: A wrong digest is refused (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client tries AUTH CRAM-MD5 with a wrong digest
    Then the response is -ERR

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |

  @sec-4 @SHOULD @req-2195-CRAM-5
  Scenario Outline: A user who logs in with CRAM-MD5 cannot also log in with USER and PASS (<server>)
    Given the server under test is <server>
    And the client is connected
    And the server announces the SASL mechanism CRAM-MD5
    When the client sends "USER ${secret-user}"
    And the client sends "PASS ${secret}" unless USER was refused
    Then the last response is -ERR

    Examples:
      | server     |
      | the target |

    @bundled
    Examples:
      | server                                               |
      | a bundled server whose users all have shared secrets |
