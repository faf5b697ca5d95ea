@interop @getmail6
Feature: Interop: getmail6 fetches and deletes mail from the reference server
  getmail6 runs SimplePOP3Retriever (USER/PASS, plaintext on loopback) with a Maildir destination
  and delete = true. It writes LF line ends, takes a bare CR inside a line for a line end too
  (Python's email parser; fixture 02's ".<CR>this line..." arrives as two lines), appends an empty
  line to a message with no header/body separator (fixture 08), and adds Delivered-To: and
  Received: fields. It also replaces Return-Path: with one built from the envelope sender, which
  is the message's own Return-Path: and, being the first field of every fixture, comes out
  byte-identical, so it is not excused.

  Background:
    Given the interop reference server runs over a fresh copy of the demo maildrops

  Scenario: getmail6 delivers every fixture message byte for byte and empties the maildrop
    When interop getmail6 fetches the mail of alice into a Maildir and deletes it from the server
    Then every fixture message arrived through interop getmail6 with LF-for-bare-CR line ends and an empty line ending a header-only message, apart from the added header fields "Delivered-To, Received"
    And the interop maildrop of alice is empty
