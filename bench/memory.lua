-- bench/memory.lua - driven by bench/memory: either holds `idle`
-- connections open until the file `release` appears, or sends `count`
-- customer messages over connections of 100 messages each, writing a
-- progress line every `every` messages so the driver can sample RSS.
local function exists(path)
	local f = io.open(path, "r")
	if f then f:close() end
	return f ~= nil
end

if mode == "idle" then
	local conns = {}
	for i = 1, tonumber(idle) do
		conns[i] = mt.connect(sock, 40, 0.25)
		mt.conninfo(conns[i], "client.example.com", "127.0.0.1")
		mt.getreply(conns[i])
	end
	io.write("open ", idle, "\n")
	io.flush()
	while not exists(release) do
		mt.sleep(0.2)
	end
	for i = 1, #conns do mt.disconnect(conns[i]) end
	os.exit(0)
end

local n, total, every = 0, tonumber(count), tonumber(every)
while n < total do
	local conn = mt.connect(sock, 40, 0.25)
	mt.conninfo(conn, "client.example.com", "127.0.0.1")
	mt.getreply(conn)
	for _ = 1, 100 do
		n = n + 1
		mt.mailfrom(conn, "<c" .. n .. "@example.net>")
		mt.getreply(conn)
		mt.rcptto(conn, "<support@example.com>")
		mt.getreply(conn)
		mt.header(conn, "From", "Customer <c" .. n .. "@example.net>")
		mt.getreply(conn)
		mt.header(conn, "Subject", "Order " .. n .. " has not arrived")
		mt.getreply(conn)
		mt.header(conn, "Message-ID", "<mem" .. n .. "@example.net>")
		mt.getreply(conn)
		mt.eoh(conn)
		mt.getreply(conn)
		mt.bodystring(conn, "Hello, my order " .. n .. " has not arrived yet. Where is it? " ..
			"I paid extra for express delivery and nobody answers the phone.\r\n")
		mt.getreply(conn)
		mt.eom(conn)
		if mt.getreply(conn) ~= SMFIR_CONTINUE then
			io.stderr:write("message ", n, ": not CONTINUE\n")
			os.exit(1)
		end
		if n % every == 0 then
			io.write(n, "\n")
			io.flush()
		end
		if n >= total then break end
	end
	mt.disconnect(conn)
end
