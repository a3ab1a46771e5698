-- agent.lua - mail whose From names an agent (AgentAddresses) or a support
-- address is an answer going out: not classified, not stamped. A customer
-- naming a support address after their own stays a customer.
dofile(srcdir .. "/tests/milter/common.lua")

local function stamped(from)
	local conn = open_connection()
	local reply = send_message(conn, "<x@example.com>", "<support@example.com>", {
		{ "From", from },
		{ "Subject", "Re: Checkout down for all our stores" },
	}, "The whole shop is down for everyone, we are losing orders every minute.\r\n")
	check(reply == SMFIR_CONTINUE, from .. ": eom not CONTINUE")
	local yes = mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency")
	mt.disconnect(conn)
	return yes
end

check(not stamped("Agent Two <AGENT2@example.com>"), "From in AgentAddresses was classified")
check(not stamped("\"Support\" <support@example.com>"), "From a support address was classified")
check(stamped("Dana <dana@example.com>, support@example.com"),
	"a customer listing support after their own address was not classified")
check(stamped("Dana <dana@example.com>"), "a customer's mail was not classified")
