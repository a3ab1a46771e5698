-- reload-load.lua - sends messages over successive connections, ten per
-- connection, until the file named by `stopfile` appears, while run.sh
-- reloads the filter under it: every message must get its verdict, whichever
-- rule set it met. Writes one line per message: "N old|new", new when the
-- rule TEST_RELOADED (added by run.sh before a SIGHUP) fired.
dofile(srcdir .. "/tests/milter/common.lua")

local function exists(path)
	local f = io.open(path, "r")
	if f then f:close() end
	return f ~= nil
end

local n = 0
while not exists(stopfile) do
	check(n < 20000, "no stop file after 20000 messages")
	local conn = open_connection()
	for _ = 1, 10 do
		n = n + 1
		local reply = send_message(conn, "<lee@example.com>", "<support@example.com>", {
			{ "From", "Lee <lee@example.com>" },
			{ "Subject", "Order " .. n },
		}, "My zebracorn order has not arrived, where is it?\r\n")
		check(reply == SMFIR_CONTINUE, "message " .. n .. ": eom not CONTINUE")
		check(mt.eom_check(conn, MT_HDRADD, "X-Triage-Urgency"),
			"message " .. n .. ": no verdict during reloads")
		local rules = mt.getheader(conn, "X-Triage-Rules", 0) or ""
		io.write(n, " ", string.find(rules, "TEST_RELOADED", 1, true) and "new" or "old", "\n")
		io.flush()
	end
	mt.disconnect(conn)
end
