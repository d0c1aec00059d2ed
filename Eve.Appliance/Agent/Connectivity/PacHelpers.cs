namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The standard PAC helper functions (Netscape's definition, as every browser ships them), in
/// JavaScript so the script sees exactly the semantics it was written for. <c>dnsResolve</c> and
/// <c>myIpAddress</c> are provided by <see cref="PacScript"/> from the port's resolver.</summary>
internal static class PacHelpers
{
    public const string Script = """
        function isPlainHostName(host) { return String(host).indexOf('.') < 0; }
        function dnsDomainIs(host, domain) {
          host = String(host); domain = String(domain);
          return host.length >= domain.length && host.substring(host.length - domain.length) === domain;
        }
        function localHostOrDomainIs(host, hostdom) {
          host = String(host); hostdom = String(hostdom);
          return host === hostdom || (isPlainHostName(host) && hostdom.lastIndexOf(host + '.', 0) === 0);
        }
        function isResolvable(host) { return dnsResolve(host) !== null; }
        function convert_addr(ipchars) {
          var b = String(ipchars).split('.');
          return ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) >>> 0;
        }
        function isIpV4(s) { return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(String(s)); }
        function isInNet(ipaddr, pattern, maskstr) {
          var ip = isIpV4(ipaddr) ? String(ipaddr) : dnsResolve(ipaddr);
          if (ip === null || !isIpV4(ip)) return false;
          var mask = convert_addr(maskstr);
          return ((convert_addr(ip) & mask) >>> 0) === ((convert_addr(pattern) & mask) >>> 0);
        }
        function dnsDomainLevels(host) { return String(host).split('.').length - 1; }
        function shExpMatch(url, pattern) {
          var re = String(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
          return new RegExp('^' + re + '$').test(String(url));
        }
        var pacDays = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
        var pacMonths = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
        function pacArgs(a) {
          var args = Array.prototype.slice.call(a), gmt = args.length > 0 && args[args.length - 1] === 'GMT';
          if (gmt) args.pop();
          return { args: args, gmt: gmt, now: new Date() };
        }
        function weekdayRange() {
          var p = pacArgs(arguments), d = p.gmt ? p.now.getUTCDay() : p.now.getDay();
          var w1 = pacDays.indexOf(p.args[0]), w2 = p.args.length > 1 ? pacDays.indexOf(p.args[1]) : w1;
          if (w1 < 0 || w2 < 0) return false;
          return w1 <= w2 ? (d >= w1 && d <= w2) : (d >= w1 || d <= w2);
        }
        function pacInRange(v, lo, hi) { return lo <= hi ? (v >= lo && v <= hi) : (v >= lo || v <= hi); }
        function dateRange() {
          var p = pacArgs(arguments), n = p.now, a = p.args;
          var day = p.gmt ? n.getUTCDate() : n.getDate(), mon = p.gmt ? n.getUTCMonth() : n.getMonth();
          var year = p.gmt ? n.getUTCFullYear() : n.getFullYear();
          function kind(x) { return typeof x === 'string' && pacMonths.indexOf(x) >= 0 ? 'm' : (Number(x) > 31 ? 'y' : 'd'); }
          function val(x, k) { return k === 'm' ? pacMonths.indexOf(x) : Number(x); }
          if (a.length === 1) { var k = kind(a[0]); return val(a[0], k) === (k === 'm' ? mon : k === 'y' ? year : day); }
          if (a.length === 2) {
            var k2 = kind(a[0]), cur = k2 === 'm' ? mon : k2 === 'y' ? year : day;
            return pacInRange(cur, val(a[0], k2), val(a[1], k2));
          }
          // (d1, m1, d2, m2), (m1, y1, m2, y2), (d1, m1, y1, d2, m2, y2): compare as y*10000 + m*100 + d.
          var half = a.length / 2, lo = a.slice(0, half), hi = a.slice(half);
          function stamp(parts) {
            var s = { y: -1, m: -1, d: -1 };
            for (var i = 0; i < parts.length; i++) { var kk = kind(parts[i]); s[kk] = val(parts[i], kk); }
            return s;
          }
          var s1 = stamp(lo), s2 = stamp(hi);
          function key(s, useY, useM, useD) { return (useY ? s.y : 0) * 10000 + (useM ? s.m : 0) * 100 + (useD ? s.d : 0); }
          var useY = s1.y >= 0, useM = s1.m >= 0, useD = s1.d >= 0, now = { y: year, m: mon, d: day };
          return pacInRange(key(now, useY, useM, useD), key(s1, useY, useM, useD), key(s2, useY, useM, useD));
        }
        function timeRange() {
          var p = pacArgs(arguments), n = p.now, a = p.args.map(Number);
          var h = p.gmt ? n.getUTCHours() : n.getHours(), m = p.gmt ? n.getUTCMinutes() : n.getMinutes();
          var s = p.gmt ? n.getUTCSeconds() : n.getSeconds();
          if (a.length === 1) return h === a[0];
          if (a.length === 2) return a[0] === a[1] ? h === a[0] : pacInRange(h, a[0], (a[1] + 23) % 24); // [h1, h2)
          if (a.length === 4) return pacInRange(h * 60 + m, a[0] * 60 + a[1], a[2] * 60 + a[3]);
          if (a.length === 6) return pacInRange(h * 3600 + m * 60 + s, a[0] * 3600 + a[1] * 60 + a[2], a[3] * 3600 + a[4] * 60 + a[5]);
          return false;
        }
        """;
}
