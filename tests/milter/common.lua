-- common.lua - helpers for the miltertest scripts of triage-milter.
-- miltertest prints nothing for a Lua error(): fail() writes the reason to
-- stderr first and exits 1, so a failing check says what failed.

function fail(msg)
	io.stderr:write("FAIL: " .. msg .. "\n")
	os.exit(1)
end

function check(cond, msg)
	if not cond then fail(msg) end
end

-- Opens a connection to the filter under test and introduces a client.
function open_connection()
	local conn = mt.connect(sock, 40, 0.25)
	check(conn ~= nil, "cannot connect to " .. sock)
	check(mt.conninfo(conn, "client.example.com", "127.0.0.1") == nil, "conninfo failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "conninfo: not CONTINUE")
	return conn
end

-- Sends one message (headers: a list of {name, value}) up to end of message.
function send_message(conn, from, rcpt, headers, body)
	check(mt.mailfrom(conn, from) == nil, "mailfrom failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "mailfrom: not CONTINUE")
	check(mt.rcptto(conn, rcpt) == nil, "rcptto failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "rcptto: not CONTINUE")
	for _, h in ipairs(headers) do
		check(mt.header(conn, h[1], h[2]) == nil, "header failed")
		local reply = mt.getreply(conn)
		if reply == SMFIR_ACCEPT then
			return reply
		end
		check(reply == SMFIR_CONTINUE, "header " .. h[1] .. ": unexpected reply")
	end
	check(mt.eoh(conn) == nil, "eoh failed")
	local eoh = mt.getreply(conn)
	if eoh == SMFIR_ACCEPT then
		return eoh
	end
	check(eoh == SMFIR_CONTINUE, "eoh: not CONTINUE")
	check(mt.bodystring(conn, body) == nil, "body failed")
	local reply = mt.getreply(conn)
	check(reply == SMFIR_CONTINUE or reply == SMFIR_SKIP, "body: unexpected reply")
	check(mt.eom(conn) == nil, "eom failed")
	return mt.getreply(conn)
end
