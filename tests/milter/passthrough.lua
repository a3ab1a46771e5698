-- passthrough.lua - mail that is neither to a support address nor from an
-- agent is accepted at the end of its headers and left untouched; an
-- authenticated agent's mail is not classified, to support or to a customer.
dofile(srcdir .. "/tests/milter/common.lua")

local conn = open_connection()
local reply = send_message(conn, "<a@example.com>", "<someone-else@example.com>", {
	{ "From", "a@example.com" },
	{ "Subject", "URGENT the shop is down for everyone" },
}, "down for everyone\r\n")
check(reply == SMFIR_ACCEPT, "mail not to support: not ACCEPTed at the end of headers")
mt.disconnect(conn)

conn = open_connection()
check(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "agent1") == nil, "macro failed")
reply = send_message(conn, "<agent1@example.com>", "<support@example.com>", {
	{ "From", "Agent One <agent1@example.com>" },
	{ "Subject", "Re: Checkout down for all our stores" },
}, "We have restarted the checkout service.\r\n")
check(reply == SMFIR_CONTINUE, "agent mail: not CONTINUE")
check(not mt.eom_check(conn, MT_HDRADD), "agent mail was stamped")
mt.disconnect(conn)

-- An agent's answer goes to the customer, not to support: still read (it
-- is timed on its ticket), never stamped.
conn = open_connection()
check(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "agent1") == nil, "macro failed")
reply = send_message(conn, "<agent1@example.com>", "<dana@example.net>", {
	{ "From", "Agent One <agent1@example.com>" },
	{ "Subject", "Re: Checkout down for all our stores" },
}, "It is back up.\r\n")
check(reply == SMFIR_CONTINUE, "agent mail to a customer: not read to the end")
check(not mt.eom_check(conn, MT_HDRADD), "agent mail to a customer was stamped")
mt.disconnect(conn)
