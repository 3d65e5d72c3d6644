"""Why a message bounced: phrase tables and status maps (Sisimai reason names), kept as data.

Format detectors find *what came back* (recipient, status, diagnostic text); this module decides
*why*. ``reason_for`` tries the phrase table first (the diagnostic text is more specific than a
status such as 5.7.1), then the enhanced status code, then the SMTP reply code. ``is_hard``
applies Sisimai's rule: only a bad *address* is hard. Pure data plus three small functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mailprobe.classify import reason_index, rules

# Reasons that point at our sending side (reputation, authentication, rate): a unit is not
# charged for them (docs/scoring.md, outcome `sender_side`).
SENDER_SIDE: frozenset[str] = frozenset(
    {"blocked", "badreputation", "authfailure", "ratelimited", "requireptr", "spamdetected",
     "rejected"}
)

HARD_REASONS: frozenset[str] = frozenset({"userunknown", "hostunknown", "hasmoved"})

# Reasons of delay notices (kind ``delay``) besides Sisimai's: a greylisting deferral, and a
# "still trying" notice that states no cause.
DELAY_REASONS: frozenset[str] = frozenset({"greylisting", "delayed"})


@dataclass(frozen=True)
class Entry:
    """One row of the reason table: the reason, the cases it covers, the phrases that say it.

    ``scope`` names the mail system whose own sentences these are (``tencent``, ``coremail``):
    a scoped row is read only when that system wrote the letter (``vendor_reason``), before the
    general rows. Each phrase is a rule (``rules.py``) whose sources are in provenance.py.
    """

    reason: str
    covers: str
    phrases: tuple[str, ...]
    scope: str = ""

# Phrase table: (reason, phrases). Order matters: the first reason with a matching phrase
# wins, so specific reasons come before broad ones (mailbox full before "rejected", sender
# authentication before "blocked"). Phrases are regular expressions over lower-cased text
# with whitespace squeezed.
REASON_TABLE: tuple[Entry, ...] = (
    Entry("delivered", "a success report (Action: delivered): not a failure",
          (r"^delivered to ", r"message (?:was )?delivered successfully",
                   r"^250 2\.\d\.\d (?:ok|delivered)")),
    Entry("mailboxfull", "the mailbox is over its quota or full (RFC 3463 X.2.2)",
          (
        r"mailbox (?:is )?full", r"mailbox (?:size )?limit exceeded", r"quota exceeded",
        r"over (?:the )?quota", r"exceeded (?:storage|quota|mailbox)",
        r"mailbox (?:has )?exceeded", r"user'?s? (?:disk )?quota", r"mailfolder is full",
        r"insufficient (?:disk )?space", r"not enough (?:storage|space)", r"mail ?box is over",
        r"too much mail data", r"mailbox full",
        r"exceed(?:s|ed|ing)? (?:the |their |its |his |her |your )?"
        r"(?:mailbox |disk |storage )?quota",
        r"mailbox is over quota", r"account is full", r"inbox is full", r"disk quota",
        r"storage (?:quota|limit)", r"the user's mailbox is full", r"quota full",
        r"user is over (?:the )?quota", r"mailbox size exceeded", r"status: 4\.2\.2",
        r"邮箱(?:已满|空间不足|容量)", r"空间不足",
    )),
    Entry("mailboxfull", "Chinese letters: the recipient's mailbox or its space is full",
          (r"(?:邮箱|信箱)(?:空间|容量)?(?:已满|不足|已超(?:出|过)?(?:限|额|配额))",
           r"(?:空间|容量)(?:已满|不足)")),
    Entry("emailtoolarge", "the message exceeds a size limit (RFC 3463 X.2.3, X.3.4)",
          (
        r"message (?:is )?too (?:big|large)", r"message size exceeds", r"size limit",
        r"exceeds? (?:the )?(?:maximum|fixed) (?:message )?size", r"message length exceeds",
        r"message exceeds .{0,30}(?:size|limit)", r"mail size", r"(?<!headers )too large",
        r"邮件(?:大小|过大|尺寸)",
    )),
    Entry("suspend", "the mailbox or account exists but is disabled, suspended, expired or retired",
          (
        r"mailbox (?:is )?(?:disabled|inactive|suspended|frozen|locked|unavailable due)",
        r"account (?:is |has been )?"
        r"(?:disabled|inactive|suspended|deactivated|frozen|locked|expired)",
        r"(?:disabled|suspended|inactive|deactivated|expired|locked)"
        r" (?:mail ?box|account|user|recipient)",
        r"is a deactivated mailbox", r"user (?:is )?(?:suspended|disabled|inactive)",
        # (not "no longer valid": "this email address is wrong or no longer valid" is an
        # unknown address, Sisimai lib/Sisimai/Reason/UserUnknown.pm index)
        r"no longer (?:in use|active|used|monitored)", r"not in use any ?more",
        r"mailbox (?:is )?(?:no longer|not) (?:in use|active|used)", r"account has been blocked",
        r"this account is not available",
        r"recipient (?:account|mailbox) is (?:unavailable|inactive)",
        r"mailbox temporarily (?:disabled|unavailable)", r"user account is unavailable",
        r"mailbox has been disabled", r"email account that you tried to reach is disabled",
        r"account is inactive", r"inactive", r"account is locked", r"invalid/inactive user",
        r"mailbox currently suspended", r"recipient suspend the service",
        r"has been disabled or discontinued", r"該当するユーザーは?停止",
        r"(?:账户|帐户|帐号|账号|邮箱)(?:已被)?(?:冻结|停用|禁用|注销)", r"已停用", r"不再使用",
    )),
    Entry("suspend", "Chinese letters: the account has expired or is frozen",
          (r"(?:账户|帐户|帐号|账号|邮箱|用户)(?:已|已经)?(?:被)?(?:过期|到期|失效|冻结|停用|禁用)",)),
    Entry("hasmoved", "the address has moved or was replaced (RFC 3463 X.1.6)",
          (r"has been replaced by", r"has moved", r"address (?:has )?changed",
                  r"user has moved", r"mailbox has moved")),
    Entry("norelaying", "the server refuses to relay for the domain",
          (
        r"relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))",
        r"not permitted to relay",
        r"unable to relay", r"relay not permitted", r"we do not relay",
        r"relaying (?:mail )?(?:to .{0,60})?(?:is )?(?:denied|prohibited|not allowed)",
        r"not allowed to relay", r"relay access", r"^5\.7\.1 .{0,80}relay", r"can ?not relay",
        r"(?:is not|isn't) (?:a )?(?:local|gateway|rcpthost)",
        r"domain isn't in my list of allowed rcpthosts", r"email address is not verified",
    )),
    Entry("authfailure", "SPF, DKIM or DMARC authentication of our sender failed",
          (
        r"\bspf\b.{0,40}(?:fail|check|not pass|reject|violat)", r"(?:fail|not pass).{0,30}\bspf\b",
        r"\bdkim\b.{0,40}(?:fail|check|invalid|required)", r"dmarc", r"sender policy framework",
        r"authentication (?:check )?failed",
        r"unauthenticated (?:email|mail)", r"\bspf record",
        r"sender (?:is )?not authenticated", r"5\.7\.(?:2[0-6]|7)\b", r"sender domain .{0,30}spoof",
        r"does not pass .{0,40}authentication",
        r"not (?:permitted|authorized) by (?:domain|the) .{0,40}(?:owner|spf)",
    )),
    Entry("requireptr", "our sending host lacks reverse DNS",
          (
        r"ptr record", r"reverse dns", r"no ptr", r"rdns", r"reverse (?:dns )?lookup",
        r"cannot find your hostname",
        r"client host .{0,50}(?:not|no) .{0,20}(?:resolve|ptr|reverse)",
        r"(?:un)?resolvable (?:address|hostname|ip)", r"ip name (?:lookup|possibly forged)",
        r"no hostname for", r"hostname (?:does not|doesn't) resolve",
        r"ip name lookup failed", r"bad dns ptr resource record", r"fix reverse dns for ",
        r"ips with missing ptr records", r"reverse dns (?:failed|required)",
        r"sender ip reverse lookup rejected", r"unresolvable relay host name",
        r"does not have a ptr record", r"forward dns entry does not point to the sending ip",
        r"generic dns ptr-records", r"domain .{1,80} mismatches client ip",
        r"reverse dns lookup for host .{1,80} failed permanently",
        r"forbidden by invalid rdns record",
    )),
    Entry("notcompliantrfc", "the message is not RFC 5322 compliant",
          (r"not compliant with rfc", r"rfc ?5322", r"rfc ?2822",
                         r"duplicate header",
                         r"headers? .{0,30}not (?:rfc )?compliant")),
    Entry("rejected", "our envelope sender is refused (before hostunknown)",
          (  # the envelope sender: before hostunknown, whose words overlap
        r"emetteur invalide", r"invalid sender", r"domain of sender address ",
        r"sender verify failed", r"mail from not owned by user",
        r"after (?:end of data|mail from):.{0,200}\bdoes not exist",
        r"your email address has been blacklisted", r"sender is spammer",
        r"unroutable sender address", r"null sender is not allowed",
        r"empty envelope senders not allowed", r"sender domain (?:is empty|listed at )",
        r"has an outgoing mail suspension", r"sender not pre-approved",
        r"returned mail not accepted here", r"server does not accept mail from",
        r"connections not accepted from servers without a valid sender domain",
        r"access denied \(in reply to mail from command\)",
        r"sending this from a different address or alias using the",
    )),
    Entry("rejected", "Chinese letters: the recipient or its server refuses our mail",
          (r"(?:收件人|收信人|对方)拒收",
           r"(?:对方|收件方|收件人|目标)?(?:服务器|邮箱|邮件系统)?拒绝接收",
           r"拒绝(?:接收|接受)(?:您的|你的|该|此)?(?:邮件|来信|信件)")),
    Entry("hostunknown", "the recipient's domain does not exist or has no mail host",
          (
        r"mail domain mentioned in email address is unknown",
        r"recipient domain must exist", r"domain must exist", r"unrouteable address",
        r"host (?:or domain name )?(?:not found|unknown)",
        r"domain (?:not found|unknown|does not exist)",
        r"no such (?:domain|host)", r"unrouteable (?:mail )?domain", r"name or service not known",
        r"host not found", r"unknown domain",
        r"all relevant mx records point to non-existent hosts", r"no mx (?:or a )?record",
        r"nxdomain", r"hostname lookup failed", r"recipient domain .{0,20}(?:not exist|invalid)",
        r"domain .{0,40}does not exist", r"illegal host/domain",
        r"(?:dns|域名).{0,10}(?:查询失败|不存在)", r"the domain name .{0,30}not found",
        r"domain is not reachable",
        r"host unknown", r"unknown mail domain",
    )),
    Entry("notaccept", "the domain accepts no mail (null MX, RFC 7505)",
          (r"null mx",
                   r"accepts? no mail", r"(?:doesn't|does not) receive e?mail",
                   r"couldn't find a mail exchanger")),
    Entry("userunknown", "the recipient address does not exist",
          (
        r"user ?unknown", r"unknown (?:user|recipient|local ?part|mailbox|address|alias)",
        r"no such (?:user|recipient|mailbox|person|address|local user|account)",
        r"(?:user|recipient|mailbox|address|account|addressee) (?:does not|doesn't|did not) exist",
        r"(?:user|recipient|mailbox|address|account|addressee) (?:is )?"
        r"(?:not found|unknown|invalid|not known|nonexistent|non-existent)",
        r"(?:mailbox|user|recipient) (?:not|was not|wasn't) found",
        r"invalid (?:recipient|mailbox|user|address)",
        r"not (?:a )?(?:valid|known) (?:user|recipient|mailbox|address)",
        r"bad destination mailbox",
        r"recipient address rejected: (?:user|undeliverable|unknown|not|invalid|access denied)",
        r"does not have an account here", r"no mailbox (?:here )?(?:by that name|for)",
        r"mailbox unavailable", r"mailbox not available", r"mailbox (?:is )?unknown",
        r"email address wasn'?t found",
        r"the address couldn'?t be found", r"address not found", r"sorry, no mailbox here",
        r"no account by that name", r"(?:user|recipient|account) (?:is )?not (?:here|local|exist)",
        r"email address (?:could not be found|does not exist|was not found|is not valid)",
        r"this user doesn't have a .{0,20}account", r"no such id", r"unknown address",
        r"address (?:does not|doesn't) exist", r"no valid recipients", r"recipient not found",
        r"invalid address", r"destination address unknown", r"not listed in",
        r"account (?:does not|doesn't) exist", r"is not a valid mailbox", r"user not exist",
        r"undeliverable address", r"doesn't have a yahoo", r"mailbox (?:does not|doesn't) exist",
        r"said: 550 5\.1\.1", r"the email account that you tried to reach does not exist",
        r"(?:用户|收件人|收信人|邮箱|帐号|账号|地址)(?:名|邮箱|地址|帐号|账号)?(?:不存在|未找到|无效|有误)",
        r"查无此(?:人|用户)", r"existiert nicht", r"no existe",
        r"unbekannte[rn]? (?:empfänger|benutzer|adresse)",
        r"user not found", r"mailbox not found",
        # French, as the English "address does not exist".
        r"(?:adresse|destinataire|utilisateur)\b[^\n.]{0,60}n'existe pas",
    )),
    Entry("filtered", "a filter or the recipient refused the message (address accepted)",
          (
        r"due to extended inactivity", r"recipient .{0,20}refus",
        r"refused by (?:the )?recipient", r"not accepting (?:mail|messages) from",
        r"has restricted", r"delivery not authorized, message refused",
        r"user refuses", r"rejected by recipient", r"filtered",
    )),
    Entry("policyviolation", "a local policy refused the message",
          (r"policy (?:violation|reason|rejection)",
                         r"violat\w+ .{0,20}policy",
                         r"acceptable use policy", r"prohibited", r"not permitted by policy",
                         r"content policy", r"message rejected due to (?:local )?policy")),
    Entry("rejected", "the envelope sender is refused (broader wording)",
          (
        r"sender (?:address )?(?:rejected|refused|denied|blocked|not allowed|verify failed)",
        r"(?:rejected|refused|denied) .{0,20}sender", r"domain of sender address",
        r"sender (?:domain )?(?:is )?(?:invalid|unknown|not (?:exist|resolv))",
        r"mail from .{0,40}(?:rejected|refused|denied|not accepted)", r"bad sender",
        r"envelope sender", r"sender verify", r"return path", r"sender.{0,20}blacklist",
        r"your (?:email|e-mail) address .{0,40}(?:blocked|rejected|banned)",
        r"address .{0,30}has been blocked", r"from address", r"sender .{0,30}not permitted",
        r"unknown sender",
        r"purported responsible address",
    )),
    Entry("blocked", "our sending host or IP is blocked (block lists, reputation of the client)",
          (
        r"blacklist", r"blocklist", r"block ?list", r"black ?listed", r"\bdnsbl\b", r"\brbl\b",
        r"spamhaus", r"spamcop", r"sorbs", r"barracuda", r"listed (?:at|on|in|by)",
        r"(?:client|your|sending) (?:host|ip|server|address)"
        r".{0,60}(?:blocked|rejected|refused|denied|banned|not allowed)",
        r"(?:access|connection) (?:denied|refused|rejected)", r"blocked (?:using|by|because|for)",
        r"banned", r"poor reputation",
        r"not allowed to send", r"your ip",
        r"ip address .{0,40}(?:block|reject)",
        r"has been blocked", r"refused to talk to me", r"mail server .{0,30}not accepted",
        r"client host blocked", r"dynamic ip", r"residential", r"dialup|dial-up",
        r"please use the smtp server of your isp", r"my name was rejected",
    )),
    Entry("spamdetected", "the content was judged spam",
          (
        r"\bspam\b", r"junk mail", r"bulk mail", r"unsolicited", r"content (?:rejected|filter)",
        r"message (?:content )?(?:rejected|refused) as", r"looks like spam", r"spamassassin",
        r"dt:spm", r"rejected by system", r"detected as (?:spam|junk)", r"scored as",
        r"垃圾邮件", r"spam score", r"high probability of being", r"uce\b",
    )),
    Entry("virusdetected", "the content carries a virus",
          (r"\bvirus", r"malware", r"infected", r"trojan", r"病毒")),
    Entry("ratelimited", "too many messages or connections from us: rate limits",
          (
        r"too many (?:connections|messages|recipients|mails|concurrent)", r"rate limit",
        r"frequency limit", r"ip frequency", r"try again later.{0,30}(?:too many|rate)",
        r"exceeded .{0,30}(?:rate|limit)", r"throttl", r"too fast", r"sending (?:rate|limit)",
        r"connection rate", r"(?:message|connection|recipient)s? (?:rate|limit) exceeded",
        r"mi:stc", r"发送频率", r"频率(?:过高|超限|限制)",
        r"receiving mail at a rate", r"receiving mail too quickly",
        r"limit exceeded", r"daily .{0,20}(?:quota|limit)",
    )),
    Entry("badreputation", "our sending IP's reputation is poor",
          (r"reputation", r"poor(?:ly)? .{0,20}reputation",
                       r"ip .{0,30}(?:not|poor) .{0,20}standing",
                       r"\[ts0[1-4]\]", r"temporarily deferred due to unexpected volume",
                       r"low reputation")),
    Entry("contenterror", "the message's headers or content are malformed",
          (r"header (?:error|syntax)", r"invalid header",
                      r"content error", r"message content", r"content presents", r"8bit",
                      r"improper(?:ly)? (?:formatted|encoded)", r"line too long")),
    Entry("securityerror", "authentication or a security policy is required",
          (r"security", r"authentication required",
                       r"smtp authentication", r"auth(?:entication)? failed",
                       r"must (?:issue a )?starttls", r"encryption required", r"tls required",
                       r"certificate (?:verif|validat|has expired|expired|error|fail"
                       r"|(?:is )?not (?:trusted|valid)|required|invalid|mismatch)",
                       r"(?:invalid|untrusted|expired|self[- ]signed|bad|no valid) "
                       r"(?:tls |ssl |server |client )?certificate",
                       r"not (?:authorized|authorised)",
                       r"submission (?:is|must be) authenticated", r"x-authority")),
    Entry("failedstarttls", "the TLS negotiation failed",
          (r"starttls", r"tls negotiation failed", r"tls handshake")),
    Entry("systemfull", "the receiving system is out of storage",
          (r"(?:system|disk|storage|mail system|server) (?:is )?full",
                    r"insufficient system (?:storage|resources)", r"out of (?:disk )?space")),
    Entry("networkerror", "the connection to the recipient's server failed (before give-up words)",
          (r"could not initiate smtp conversation",
           # the cause of a give-up, named before the give-up words ("Deferred: Name server:
           # host name lookup failure ... could not be delivered for 8 hours"): Sisimai
           # lib/Sisimai/Reason/NetworkError.pm index, and its Reason.pm example
           # "Network error on destination MXs"
           r"host name lookup failure", r"network error")),
    Entry("expired", "delivery gave up after retrying (time-out in the queue)",
          (
        r"(?:retry|delivery) time(?:out)? (?:exceeded|expired)", r"timed? ?out", r"time(?:d)? out",
        r"could not be delivered (?:with)?in", r"giving up", r"gave up", r"expired",
        r"retry (?:timeout|limit)", r"too long in (?:the )?queue", r"undeliverable for \d",
        r"message (?:has been )?(?:in|on) (?:the )?queue too long", r"deferred too long",
        r"delivery (?:attempts?|period) (?:has )?(?:exceeded|expired|failed)",
        r"could not be delivered for", r"maximum time", r"handle timeout",
        r"have not been able to deliver",
        r"still trying", r"delay(?:ed)?", r"超时", r"failed \d+ attempts",
    )),
    Entry("networkerror", "network or DNS failure between the servers, mail loops",
          (
        r"connection (?:refused|timed out|reset|lost|closed)", r"could not connect",
        r"can ?not connect",
        r"unable to connect", r"no route to host", r"network (?:is )?unreachable",
        r"lost connection", r"dns (?:query )?(?:error|failure|lookup)",
        r"temporary (?:dns |lookup |name resolution )failure",
        r"routing loop", r"mail loop", r"loops back",
        r"mail for .{0,60}loops",
        r"host unreachable", r"connect to .{0,80}(?:refused|timed out)", r"broken pipe",
        r"无法连接", r"name serv(?:er|ice) (?:error|reply)",
    )),
    Entry("mailererror", "a local delivery program failed",
          (r"command (?:died|failed)", r"exit (?:status|code)",
                     r"program .{0,30}(?:failed|error)", r"unknown mailer error")),
    Entry("systemerror", "the receiving system had an internal error",
          (r"internal (?:server )?error",
                     r"local error", r"temporary (?:local )?(?:problem|error)",
                     r"resources? (?:temporarily )?unavailable", r"configuration error",
                     r"service (?:currently )?(?:not available|unavailable)", r"try again later",
                     r"transaction failed",
                     r"系统(?:错误|繁忙)")),
    Entry("syntaxerror", "an SMTP syntax error",
          (r"syntax error", r"command unrecognized", r"unrecognized command",
                     r"bad sequence of commands", r"command parameter not implemented")),

)

# Vendor rows: the sentences of one mail system, read first when it wrote the letter.
VENDOR_TABLE: tuple[Entry, ...] = (
    # Coremail 系统退信 letters (NetEase 163/126, self-hosted government mail): 退信原因.
    Entry("spamdetected", "Coremail: content judged spam", (
        r"content rejected", r"垃圾邮件", r"spam"), "coremail"),
    Entry("networkerror", "Coremail: the next host could not be reached", (
        r"rcpt handle timeout", r"can ?not connect to host", r"dns query error",
        r"connect timeout", r"无法连接"), "coremail"),
    Entry("userunknown", "Coremail: the address does not exist", (
        r"user not found", r"mailbox not found", r"no such user", r"用户不存在",
        r"收件人不存在", r"账号不存在"), "coremail"),
    Entry("mailboxfull", "Coremail: the mailbox is full", (
        r"mailbox is full", r"quota", r"邮箱已满", r"空间不足", r"空间已满"), "coremail"),
    Entry("suspend", "Coremail: the mailbox is frozen or retired", (
        r"mailbox is frozen", r"user is suspended", r"已冻结", r"已停用", r"已注销", r"已过期"),
        "coremail"),
    Entry("ratelimited", "Coremail: sending too often", (r"frequency", r"too many", r"频率"),
          "coremail"),
    # QQ Mail / Tencent Exmail replies quoted in a DSN (Tencent's help pages' wording).
    Entry("authfailure", "Tencent: SPF/DMARC/DKIM check failed", (
        r"spf check failed", r"dmarc check failed", r"dkim check failed"), "tencent"),
    Entry("suspend", "Tencent: the mailbox is deactivated or frozen", (
        r"mailbox is frozen", r"mailbox unavailable"), "tencent"),
    Entry("ratelimited", "Tencent: frequency limits", (
        r"ip frequency limited", r"domain frequency limited", r"sender frequency limited",
        r"connection frequency limited", r"frequency limited",
        r"mailbox unavailable or access denined"), "tencent"),
    Entry("blocked", "Tencent: our IP is refused", (
        r"suspected bounce attacks", r"suspected spam ip", r"connection denied",
        r"ip is rejected"), "tencent"),
    Entry("spamdetected", "Tencent: content judged spam", (
        r"spam is embedded in the email", r"mail content denied", r"message is suspected spam"),
        "tencent"),
    Entry("rejected", "Tencent: the recipient refuses our mail", (
        r"suspected spam", r"mail is rejected by recipients"), "tencent"),
    Entry("mailboxfull", "Tencent: the mailbox is full", (r"mailbox is full", r"quota exceeded"),
          "tencent"),
    Entry("userunknown", "Tencent: the address does not exist", (
        r"mailbox not found", r"user not found", r"no such user"), "tencent"),
    Entry("emailtoolarge", "Tencent: the message is too large", (
        r"message too large", r"mail size exceeds"), "tencent"),
    Entry("syntaxerror", "Tencent: the address is malformed (Sisimai Rhost/Tencent.pm, from "
          "Tencent's help page 122/167)", (r"bad address syntax",), "tencent"),
    # Aliyun / HiChina mail.
    Entry("spamdetected", "Aliyun: content judged spam", (
        r"rejected by anti-spam", r"spam message", r"content rejected", r"垃圾邮件"), "aliyun"),
    Entry("ratelimited", "Aliyun: sending too often", (
        r"frequency limit", r"too many", r"发信频率"), "aliyun"),
    Entry("mailboxfull", "Aliyun: the mailbox is full", (
        r"mailbox is full", r"quota", r"邮箱已满", r"空间不足"), "aliyun"),
    Entry("suspend", "Aliyun: the mailbox is frozen or disabled", (
        r"mailbox is frozen", r"account is disabled", r"已冻结", r"已停用"), "aliyun"),
    Entry("userunknown", "Aliyun: the address does not exist", (
        r"mailbox not found", r"user not found", r"用户不存在", r"收件人不存在"), "aliyun"),
    Entry("authfailure", "Aliyun: SPF/DMARC/DKIM", (r"spf check", r"dmarc", r"dkim"), "aliyun"),
    # Gmail's own sentences, whatever the remote server said.
    Entry("expired", "Gmail: the remote server never answered", (
        r"did not accept our requests to connect", r"could not contact dns servers"), "gmail"),
    Entry("hostunknown", "Gmail: the domain does not exist", (
        r"dns error: domain name not found",), "gmail"),
    Entry("failedstarttls", "Gmail: the remote server lacks TLS", (
        r"does not support (?:starttls|tls)", r"tls .{0,20}required"), "gmail"),
    # Domino: "not listed in the Domino Directory" is an address that does not exist.
    Entry("userunknown", "Domino: the address is not in the directory", (
        r"(?:not|n't) (?:found|listed) in (?:the )?(?:domino )?directory",
        r"ディレクトリには見つかりません", r"not listed in public name & address book"), "domino"),
)

# Greylisting deferrals (a delay notice whose cause is greylisting, RFC 6647).
GREYLISTING = Entry("greylisting", "a greylisting deferral (RFC 6647)", (
    r"gr[ae]y-?list", r"try again later.{0,30}gr[ae]y"))

# The general rows as (reason, phrases): the form the matcher below reads.
PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (entry.reason, entry.phrases) for entry in REASON_TABLE)

# Remote hosts' own error codes, decisive where present (Sisimai's Rhost tables). Orange and
# La Poste end their replies with "OFR_506", "LPN007_416", "OUK_513": the last three digits.
FRANCE_PTT = re.compile(r"\b(?:lpn|lpnaaa|ofr|ouk)(?:_\d{3}|\d{3}[-_]\d{3})\b")
FRANCE_PTT_CODES: dict[str, str] = {
    "101": "blocked", "102": "blocked", "103": "blocked", "104": "ratelimited",
    "305": "securityerror", "401": "blocked", "402": "securityerror", "403": "rejected",
    "405": "rejected", "415": "rejected", "416": "userunknown", "417": "mailboxfull",
    "418": "userunknown", "420": "suspend", "421": "rejected", "426": "suspend",
    "505": "systemerror", "506": "spamdetected", "510": "blocked", "514": "emailtoolarge",
    "517": "policyviolation", "630": "policyviolation", "999": "blocked",
}


# Exchange 2000/2003 NDRs end the diagnostic with an internal code: "MSEXCH:IMS:... (000C05A6)
# Unknown Recipient" (Sisimai's Lhost::Exchange2003 table; the "onhold" codes name nothing).
EXCHANGE = re.compile(r"\((000[0-9a-f]{5}|0001[0-9a-f]{4}|0012[0-9a-f]{4})\)")
EXCHANGE_CODES: dict[str, str] = {
    "000c05a6": "userunknown", "00010256": "systemerror", "000d06b5": "systemerror",
    "00120270": "networkerror", "00050311": "contenterror", "000502cc": "contenterror",
    "000b0981": "securityerror", "000c0595": "filtered",
}


def reason_from_codes(text: str, hosts: str = "") -> str | None:
    """A reason named by a remote host's own error code in ``text`` (lower case), or None.

    ``hosts``: the remote host names the letter gives (``remote_hosts``), which scope the
    codes of providers whose format is not distinctive by itself (GoDaddy's "IB605")."""
    if "ofr" in text or "lpn" in text or "ouk" in text:
        m = FRANCE_PTT.search(text)
        if m:
            return FRANCE_PTT_CODES.get(m.group(0)[-3:])
    if "(000" in text:
        m = EXCHANGE.search(text)
        if m:
            return EXCHANGE_CODES.get(m.group(1))
    return reason_from_rhost_code(text, hosts)


# Remote hosts' own tables (reason_index.RHOSTS, Sisimai's Rhost classes): a provider's error
# code decides wherever it occurs (scoped by host where the code alone is not distinctive);
# its sentences decide only when the failing host is the provider's.
_RHOST_CODES = tuple((r, re.compile(r.code), re.compile(r.hosts) if r.hosts else None,
                      f"rhost:{r.name}:code") for r in reason_index.RHOSTS if r.code)
_RHOST_SENTENCES = tuple((r, re.compile(r.hosts), f"rhost:{r.name}:sentences")
                         for r in reason_index.RHOSTS if r.sentences)
# codes whose format alone names the provider ("AUP#CXBL", ".i.ua/err/2")
_DISTINCTIVE = frozenset({"cox", "spectrum", "iua"})
for _code_row in _RHOST_CODES:
    rules.register(_code_row[3], (_code_row[0].basis,),
                   covers=f"{_code_row[0].name}'s own error codes")
for _sentence_row in _RHOST_SENTENCES:
    rules.register(_sentence_row[2], (_sentence_row[0].basis,),
                   covers=f"{_sentence_row[0].name}'s own sentences, from its hosts")


def reason_from_rhost_code(text: str, hosts: str = "") -> str | None:
    """The reason a provider's own error code in ``text`` names (Sisimai's Rhost tables)."""
    for rhost, pattern, scope, rid in _RHOST_CODES:
        if rhost.name not in _DISTINCTIVE and not (
                scope is not None and (scope.search(hosts) or scope.search(text))):
            continue
        m = pattern.search(text)
        if m and m.group(1) in rhost.codes and rules.fire(rid):
            return rhost.codes[m.group(1)]
    return None


def reason_from_rhost(text: str, hosts: str) -> str | None:
    """The reason a failing host's own sentence in ``text`` names, when ``hosts`` (the remote
    host names, lower case) are that provider's."""
    if not hosts:
        return None
    for rhost, scope, rid in _RHOST_SENTENCES:
        if not scope.search(hosts):
            continue
        for reason, literals in rhost.sentences:
            if any(literal in text for literal in literals) and rules.fire(rid):
                return reason
    return None


_REMOTE = re.compile(r"(?:remote-mta:\s*dns;\s*|\bhost\s+|while talking to\s+)"
                     r"\[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})", re.I)


_HOSTNAME = re.compile(r"(?<![@\w.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w@-])")


def host_names(text: str) -> str:
    """Host names written in ``text`` (not the domains of addresses), lower case."""
    return " ".join(dict.fromkeys(m.group(1) for m in _HOSTNAME.finditer(text.lower())))


def remote_hosts(text: str) -> str:
    """The remote host names a letter or DSN gives ("Remote-MTA: dns; mx.example.net", Postfix
    "host mx.example.net[192.0.2.1] said", Sendmail "while talking to mx.example.net."), lower
    case and space separated: what the provider tables are scoped by."""
    return " ".join(dict.fromkeys(m.group(1).lower().rstrip(".") for m in _REMOTE.finditer(text)))


# Sisimai's reason indexes (reason_index.INDEX): after our own table, before general words.
# A literal row is an ``in`` test; a row with "..." (words in that order) a regex.
def _index_rules() -> tuple[tuple[str, str, str, re.Pattern[str] | None], ...]:
    out = []
    for reason, name, literals in reason_index.INDEX:
        basis = f"doc:sisimai-reason-{name.lower()}"
        for literal in literals:
            rid = f"index:{reason}:{literal}"
            # words in order, close together (a letter is longer than one reply line)
            pattern = (re.compile(".{0,80}?".join(re.escape(p) for p in literal.split("...")))
                       if "..." in literal else None)
            rules.register(rid, (basis,), covers=f"Sisimai's {name} index")
            out.append((reason, rid, literal, pattern))
    return tuple(out)


_INDEX = _index_rules()


def reason_from_index(text: str, skip: frozenset[str] = frozenset()) -> str | None:
    """The first reason whose Sisimai index sentence occurs in ``text``, or ``None``."""
    text = _normal(text)
    for reason, rid, literal, pattern in _INDEX:
        if reason in skip:
            continue
        if (pattern.search(text) if pattern is not None else literal in text) and rules.fire(
                rid):
            return reason
    return None


# Enhanced status code -> reason, used when no phrase matched. Exact codes first, then the
# subject.detail without class ("1.1"), then the subject alone ("1").
STATUS_REASONS: dict[str, str] = {
    "1.0": "userunknown", "1.1": "userunknown", "1.2": "hostunknown", "1.3": "userunknown",
    "1.4": "userunknown", "1.5": "userunknown", "1.6": "hasmoved", "1.7": "rejected",
    "1.8": "rejected", "1.9": "rejected", "1.10": "notaccept",
    "2.0": "mailboxfull", "2.1": "suspend", "2.2": "mailboxfull", "2.3": "emailtoolarge",
    "2.4": "mailererror",
    "3.0": "systemerror", "3.1": "systemfull", "3.2": "notaccept", "3.3": "systemerror",
    "3.4": "emailtoolarge", "3.5": "systemerror",
    "4.0": "networkerror", "4.1": "networkerror", "4.2": "networkerror", "4.3": "systemerror",
    "4.4": "networkerror", "4.5": "networkerror", "4.6": "networkerror", "4.7": "expired",
    "5.0": "syntaxerror", "5.1": "syntaxerror", "5.2": "syntaxerror", "5.3": "ratelimited",
    "5.4": "syntaxerror", "5.5": "syntaxerror",
    "6.0": "contenterror", "6.1": "contenterror", "6.2": "contenterror", "6.3": "contenterror",
    "6.4": "contenterror", "6.5": "contenterror",
    "7.0": "securityerror", "7.1": "securityerror", "7.2": "securityerror", "7.3": "securityerror",
    "7.4": "securityerror", "7.5": "securityerror", "7.6": "securityerror", "7.7": "securityerror",
    "7.8": "securityerror", "7.9": "securityerror", "7.13": "suspend", "7.17": "hasmoved",
    "7.18": "hasmoved", "7.20": "authfailure", "7.21": "authfailure", "7.22": "authfailure",
    "7.23": "authfailure", "7.24": "authfailure", "7.25": "requireptr", "7.26": "authfailure",
    "7.27": "notaccept", "7.28": "spamdetected",
}

# SMTP reply code -> reason, the last resort.
REPLY_REASONS: dict[str, str] = {
    "421": "blocked", "451": "systemerror", "452": "mailboxfull",
    "500": "syntaxerror", "501": "syntaxerror", "502": "syntaxerror", "503": "syntaxerror",
    "504": "syntaxerror", "550": "onhold", "551": "userunknown", "552": "mailboxfull",
    "553": "userunknown",
    "554": "onhold", "556": "notaccept",
}

_WS = re.compile(r"\s+")


def required_literals(pattern: str) -> tuple[str, ...]:
    """Substrings one of which every match of ``pattern`` contains (``()`` if none found).

    Read from the parsed pattern: runs of literal characters, and for an alternation the
    union of each branch's own. A cheap ``in`` test on these skips the regex for most text.
    """
    from re import _parser  # type: ignore[attr-defined]

    def best(cands: list[tuple[str, ...]]) -> tuple[str, ...]:
        good = [c for c in cands if c and all(len(x) >= (3 if x.isascii() else 2) for x in c)]
        return max(good, key=lambda c: (min(map(len, c)), -len(c)), default=())

    def walk(seq: object) -> tuple[str, ...]:
        cands: list[tuple[str, ...]] = []
        run = ""
        for op, arg in seq:  # type: ignore[attr-defined]
            name = str(op)
            if name == "LITERAL":
                run += chr(arg)
                continue
            if name in ("AT", "ASSERT", "ASSERT_NOT"):
                continue  # zero width: the run stays contiguous
            cands.append((run,) if run else ())
            run = ""
            if name == "SUBPATTERN":
                cands.append(walk(arg[-1]))
            elif name == "BRANCH":
                alts = [walk(alt) for alt in arg[1]]
                if all(alts):
                    cands.append(tuple(dict.fromkeys(x for a in alts for x in a)))
            elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
                cands.append(walk(arg[2]))
        cands.append((run,) if run else ())
        return best(cands)

    try:
        return walk(_parser.parse(pattern))
    except Exception:  # an unusual construct: no prefilter, the regex always runs
        return ()


def phrase_id(reason: str, pattern: str, scope: str = "") -> str:
    """A phrase rule's id: its scope, reason and pattern (stable while the phrase is unchanged)."""
    return f"phrase:{scope + '/' if scope else ''}{reason}:{pattern}"


_VENDOR: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]] = {}
for _entry in VENDOR_TABLE:
    _VENDOR[_entry.scope] = _VENDOR.get(_entry.scope, ()) + tuple(
        (_entry.reason, phrase_id(_entry.reason, p, _entry.scope), re.compile(p))
        for p in _entry.phrases)
# A delay notice that names a network cause (RFC 3463 X.4.x: network and routing).
DELAY_NETWORK = Entry("networkerror", "a delay notice naming a network cause (RFC 3463 X.4.x)", (
    r"did not respond", r"connection (?:to .{0,80})?(?:failed|refused|timed out|reset|lost)",
    r"(?:could not|couldn't|unable to|cannot|can't) connect", r"no route to host",
    r"temporary (?:dns |lookup |name resolution )failure",
    r"dns (?:lookup|query) (?:failed|error)"))
_NETWORK = tuple((phrase_id("networkerror", p, "delay"), re.compile(p))
                 for p in DELAY_NETWORK.phrases)
_GREY = tuple((phrase_id("greylisting", p), re.compile(p)) for p in GREYLISTING.phrases)


def vendor_reason(scope: str, text: str) -> str | None:
    """The reason in a ``scope`` mail system's own sentences in ``text``, or ``None``."""
    text = " ".join(text.lower().split())
    for reason, rid, pattern in _VENDOR.get(scope, ()):
        if pattern.search(text) and rules.fire(rid):
            return reason
    return None


def delay_reason(reason: str, text: str, status: str | None = None) -> str:
    """The reason of a delay notice: ``greylisting``, ``expired`` when the status (X.4.7,
    "Delivery time expired") or the words say the time ran out, ``delayed`` (still trying, no
    cause given), else the temporary problem's own reason."""
    lowered = " ".join(text.lower().split())
    for rid, pattern in _GREY:
        if pattern.search(lowered) and rules.fire(rid):
            return "greylisting"
    if reason in ("expired", "onhold", "systemerror"):
        for rid, pattern in _NETWORK:
            if pattern.search(lowered) and rules.fire(rid):
                return "networkerror"
    if reason in ("expired", "onhold") and ((status or "").endswith(".4.7") or _EXPIRED.search(
            lowered)) and rules.fire("delay:time-expired"):
        return "expired"
    if reason == "expired" and (status or "")[1:] in (".4.1", ".4.2") and rules.fire(
            "delay:network-status"):
        return "networkerror"  # still trying after "no answer from host", "bad connection"
    if reason in ("expired", "onhold") and rules.fire("delay:no-cause"):
        return "delayed"
    return reason


def _declare_phrases() -> None:
    from mailprobe.classify.provenance import CITED, PHRASE_SOURCES
    for entry in (*REASON_TABLE, *VENDOR_TABLE, GREYLISTING, DELAY_NETWORK):
        for pattern in entry.phrases:
            scope = "delay" if entry is DELAY_NETWORK else entry.scope
            rid = phrase_id(entry.reason, pattern, scope)
            cited = CITED.get(rid, ()) + PHRASE_SOURCES.get(rid, ())
            rules.register(rid, cited, covers=entry.covers)
    rules.register("adjust:zh-no-such-recipient", ("fixtures",),
                   covers="收件人不存在 with no SMTP code is userunknown, not filtered")
    rules.register("delay:time-expired", ("doc:RFC3463",),
                   covers="a delay notice whose status (X.4.7) or words say its time expired")
    rules.register("delay:network-status", ("doc:RFC3463",),
                   covers="a delay notice whose status is X.4.1/X.4.2 (no answer, bad "
                          "connection) and whose words name no cause")
    rules.register("delay:no-cause", ("doc:RFC3464",),
                   covers="a delay notice (Action: delayed) that names no cause")


_declare_phrases()

# Per reason: (literals, pattern) per phrase; a phrase with no literal always runs.
_COMPILED: tuple[tuple[str, tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]], ...] = tuple(
    (reason, tuple((required_literals(p), re.compile(p)) for p in phrases))
    for reason, phrases in PHRASES
)


def _matches(reason: str, phrases: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...],
             text: str) -> bool:
    for literals, pattern in phrases:
        if literals:  # plain loops: a generator per phrase cost more than the tests themselves
            for literal in literals:
                if literal in text:
                    break
            else:
                continue
        if pattern.search(text) and rules.fire(phrase_id(reason, pattern.pattern)):
            return True
    return False


def _trie_pattern(words: list[str]) -> str:
    """A regex matching the longest of ``words`` that starts where it is tried."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alternatives = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


# The table flattened, for one pass over a text: every phrase in table order, and one scan
# for every literal (a lookahead at each position finds the longest literal starting there;
# the literals that are prefixes of it start there too). Then only phrases with a literal in
# the text (or none at all) run, in table order: the first that matches decides, as a loop
# over ``_COMPILED`` with ``_matches`` would (reason_from_text_slow; the tests compare them).
_FLAT: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (reason, pattern, phrase_id(reason, pattern.pattern))
    for reason, phrases in _COMPILED for _, pattern in phrases)
_ALWAYS: frozenset[int] = frozenset(
    i for i, (lits, _) in enumerate(p for _, ps in _COMPILED for p in ps) if not lits)
_PHRASES_OF: dict[str, set[int]] = {}
for _i, (_lits, _) in enumerate(p for _, ps in _COMPILED for p in ps):
    for _lit in _lits:
        _PHRASES_OF.setdefault(_lit, set()).add(_i)
# phrases of a literal and of every literal that is a prefix of it
_PHRASES_AT: dict[str, frozenset[int]] = {
    lit: frozenset(i for other, ids in _PHRASES_OF.items() if lit.startswith(other) for i in ids)
    for lit in _PHRASES_OF
}
_LITERAL_SCAN = re.compile(f"(?=({_trie_pattern(sorted(_PHRASES_OF))}))", re.S)


_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S*", re.I)


def _normal(text: str) -> str:
    """Whitespace runs to one space (``_WS.sub``, by split/join: faster), lower case."""
    text = text.replace("&nbsp;", " ").replace("\u2019", "'")
    if "://" in text:  # a link's words (".../certificate-of-origin") are not failure words
        text = _URL.sub(" ", text)
    words = text.split()
    if not words:
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    tail = " " if text[-1].isspace() else ""
    return (lead + " ".join(words) + tail).lower()


def reason_from_text(text: str, skip: frozenset[str] = frozenset()) -> str | None:
    """The first reason whose phrase occurs in ``text`` (any case), or ``None``."""
    text = _normal(text)
    coded = reason_from_codes(text)
    if coded is not None and coded not in skip:
        return coded
    candidates = set(_ALWAYS)
    for literal in _LITERAL_SCAN.findall(text):
        candidates |= _PHRASES_AT[literal]
    for i in sorted(candidates):
        reason, pattern, rid = _FLAT[i]
        if reason not in skip and pattern.search(text) and rules.fire(rid):
            return reason
    return None


def reason_from_text_slow(text: str, skip: frozenset[str] = frozenset()) -> str | None:
    """``reason_from_text`` as a plain loop over the table (the reference the tests use)."""
    text = _normal(text)
    coded = reason_from_codes(text)
    if coded is not None and coded not in skip:
        return coded
    for reason, phrases in _COMPILED:
        if reason not in skip and _matches(reason, phrases, text):
            return reason
    return None


# Whole codes whose class changes the reason: 5.4.4 "unable to route" is a domain that does
# not exist; 4.4.4 a routing failure that may pass.
EXACT_STATUS: dict[str, str] = {
    "5.4.4": "hostunknown",
    # where the class changes what a code means (Sisimai lib/Sisimai/SMTP/Status.pm table,
    # after RFC 3463): 4.7.1/4.7.2 "delivery not authorized" said for a while is our sending
    # host refused, 4.4.1 "no answer from host" retried until the queue gave up, 4.4.5
    # "mail system congestion" a full system
    "4.7.1": "blocked", "4.7.2": "blocked", "4.4.1": "expired", "4.4.5": "systemfull",
    "4.5.3": "systemerror", "5.5.4": "systemerror", "5.5.5": "systemerror",
    "5.1.9": "systemerror", "4.1.9": "systemerror",
}


def reason_from_status(status: str | None) -> str | None:
    """The reason an enhanced status code names by itself, or ``None`` (x.0.0 names none)."""
    if not status:
        return None
    if status in EXACT_STATUS:
        return EXACT_STATUS[status]
    _, _, rest = status.partition(".")
    if rest in ("0.0", ""):
        return None
    return STATUS_REASONS.get(rest)


# --- Reasons by meaning: the enhanced status code and general words (RFC 3463, RFC 5321) ----
# Family-independent evidence, read before the phrase table when an RFC 3463 status and the
# words agree ("550 5.2.2 quota exceeded"), and after it, words alone, when the table found
# nothing. The words are general vocabulary for the RFC 3463 subject descriptions (X.1.1 "Bad
# destination mailbox address", X.1.2 "Bad destination system address", X.2.1 "Mailbox
# disabled", X.2.2 "Mailbox full", X.3.4 "Message too big", X.4.6 "Routing loop detected",
# X.4.7 "Delivery time expired", X.7.1 "Delivery not authorized") and RFC 5321 section 4.2.2
# reply texts, never one vendor's sentence.


@dataclass(frozen=True)
class Meaning:
    """A reason said by a status subject.detail (``statuses``; empty: any) plus ``words``."""

    reason: str
    statuses: tuple[str, ...]
    words: str
    source: str
    also: tuple[str, ...] = ()  # the files' groups, where words were taken from them too


_WHO = r"(?:user|recipient|mailbox|mail ?box|address|account|addressee|local ?part|e-?mail)"
_ABSENT = (r"(?:unknown|not (?:found|known|exist|valid|listed)|does ?n[o']t exist|did ?n[o']t exist"
           r"|non-?existent|invalid|unavailable|no longer exists?|(?:was|is)n'?t found"
           r"|could ?n[o']t be found)")
USER_WORDS = (rf"{_WHO}(?:\s+\S+){{0,3}}? (?:is |was |does |has been )?{_ABSENT}"
              rf"|(?:unknown|invalid|no such|bad|non-?existent) {_WHO}"
              r"|(?:用户|收件人|收信人|邮箱|帐号|账号|地址)[^，。,]{0,6}(?:不存在|未找到|无效)")
# (an unreachable *host* is a network error, EHOSTUNREACH; an unreachable *domain* is not one)
HOST_WORDS = (r"bad destination system address"  # RFC 3463 X.1.2's own name
              r"|(?:domain|host|hostname|mx)(?: name)? (?:is )?(?:not found|unknown"
              r"|does ?n[o']t exist|not exist|invalid)|domain (?:is )?(?:not reachable|unreachable)"
              r"|(?:unknown|no such|invalid|non-?existent) (?:mail )?(?:domain|host)"
              r"|nxdomain|unroutea?ble|no mx record|域名[^，。,]{0,6}不存在")
FULL_WORDS = (r"quota|(?:mail ?box|inbox|account|mail ?folder|storage|disk) (?:is |was )?"
              r"(?:full|over|exceed)|(?:exceed|over)\w* (?:the |its |their |allowed )?"
              r"(?:size|storage|limit|quota)|insufficient (?:disk )?(?:space|storage)"
              r"|(?:邮箱|信箱)[^，。,]{0,6}(?:已满|不足)")
SUSPEND_WORDS = (r"disabled|inactive|suspended|deactivated|frozen|locked|expired|closed|retired"
                 r"|discontinued|not in use|no longer (?:in use|active|used)|已停用|已冻结|已注销")
TOO_BIG_WORDS = r"(?:too|message) (?:big|large)|size|exceeds? .{0,20}limit"
SPAM_WORDS = (r"\bspam\b|\bu[bc]e\b|junk|unsolicited|bulk mail|content (?:rejected|refused)"
              r"|垃圾邮件")
RELAY_WORDS = (r"relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed)|prohibited)"
               r"|(?:unable|not (?:permitted|allowed)|can ?not) to relay|we do not relay")
AUTH_WORDS = r"\bspf\b|\bdkim\b|dmarc|sender policy framework"
PTR_WORDS = r"reverse dns|\bptr\b|\brdns\b|reverse (?:dns )?lookup"
POLICY_WORDS = r"\bpolic(?:y|ies)\b"
LISTED_WORDS = r"black ?list|block ?list|\brbl\b|\bdnsbl\b|listed (?:at|in|on|by)"  # RFC 5782
BLOCK_WORDS = (r"(?:\bip|host|client|server|connection|you)\b.{0,40}(?:blocked|banned|refused)"
               r"|banned|reputation")
VIRUS_WORDS = r"\bvirus|malware|infected|trojan"
SENDER_DOMAIN_WORDS = (r"(?:\bfrom:?|sender(?:'s)?|sender address rejected:?|envelope from"
                       r"|mail from:?) (?:address )?domain (?:is |name )?"
                       r"(?:invalid|unknown|not found|does ?n[o']t exist|not exist)")
RESOLVER_FAILED_WORDS = (r"\bservfail\b|server failure|malformed (?:or unexpected )?"
                         r"(?:name server |dns )?(?:reply|response|answer)"
                         r"|name serv(?:er|ice) (?:error|failure)")
LOOP_WORDS = r"(?:mail|routing) loop|looping|too many hops|hop count exceeded"
EXPIRED_WORDS = (r"expired|gave up|giving up|too long in (?:the )?queue|(?:retry|delivery) "
                 r"(?:time|period|attempts?) (?:exceeded|expired)|failed \d+ attempts")
_EXPIRED = re.compile(EXPIRED_WORDS)
RATE_WORDS = (r"too many (?:messages|recipients|connections|mails)|rate limit|too fast"
              r"|frequency limit|receiving mail at a rate")

MEANINGS_WITH_STATUS: tuple[Meaning, ...] = (
    Meaning("userunknown", ("1.1", "1.0", "1.3", "1.10"), USER_WORDS, "doc:RFC3463"),
    Meaning("hostunknown", ("1.2", "1.0"), HOST_WORDS, "doc:RFC3463"),
    Meaning("mailboxfull", ("2.2", "2.0"), FULL_WORDS, "doc:RFC3463"),
    Meaning("suspend", ("2.1", "2.0"), SUSPEND_WORDS, "doc:RFC3463"),
    Meaning("emailtoolarge", ("2.3", "3.4"), TOO_BIG_WORDS, "doc:RFC3463"),
    Meaning("networkerror", ("4.6", "4.0", "4.4", "4.14"), LOOP_WORDS, "doc:RFC3463"),
    Meaning("ratelimited", ("7.1", "7.0", "4.2", "5.3"), RATE_WORDS, "doc:RFC3463"),
    Meaning("virusdetected", ("7.1", "7.0"), VIRUS_WORDS, "doc:RFC3463"),
    Meaning("blocked", ("7.1", "7.0"), LISTED_WORDS, "doc:RFC5782"),
    Meaning("spamdetected", ("7.1", "7.0", "7.7"), SPAM_WORDS, "doc:RFC3463"),
    Meaning("authfailure", ("7.1", "7.0", "7.7"), AUTH_WORDS, "doc:RFC3463"),
    Meaning("requireptr", ("7.1", "7.0", "7.25"), PTR_WORDS, "doc:RFC3463"),
    Meaning("norelaying", ("7.1", "7.0", "4.1"), RELAY_WORDS, "doc:RFC3463"),
    Meaning("blocked", ("7.1", "7.0"), BLOCK_WORDS, "doc:RFC3463"),
    Meaning("policyviolation", ("7.1", "7.0", "7.9"), POLICY_WORDS, "doc:RFC3463"),
)
# Words so specific that they decide before anything else: sender authentication (RFC 7208
# SPF, RFC 6376 DKIM, RFC 7489 DMARC) and reverse DNS of our host.
MEANINGS_FIRST: tuple[Meaning, ...] = (
    Meaning("authfailure", (), AUTH_WORDS, "doc:RFC7489"),
    Meaning("requireptr", (), PTR_WORDS, "doc:RFC1912"),
    # a resolver's failure to find the domain (RFC 1035 NXDOMAIN; adjust() makes a 4xx one a
    # networkerror)
    Meaning("policyviolation", (), r"(?:for|due to) (?:local )?policy reasons?|policy violation",
            "doc:RFC3463"),  # X.7.1 "Delivery not authorized": the words say it was a policy
    Meaning("notaccept", (), r"null mx|(?:doesn't|does not) (?:receive|accept) e?-?mail"
            r"|accepts? no e?-?mail", "doc:RFC7505"),
    Meaning("hostunknown", (), r"\bdns error\b|\bnxdomain\b|domain name not found", "doc:RFC1035"),
    # the *sender's* domain (the From: header, MAIL FROM) said to be invalid or unknown: the
    # message is refused for its sender (RFC 5321 3.3, the reverse-path), the recipient's
    # address is not in question (Postfix: "Sender address rejected: Domain not found")
    Meaning("rejected", (), SENDER_DOMAIN_WORDS, "doc:RFC5321"),
)
# Codes so specific that they name the reason whatever the words (RFC 7372: X.7.13 user account
# disabled, X.7.20-26 DKIM/SPF/reverse DNS; RFC 7505: X.7.27 null MX). Not X.7.17/18: qmail
# wrote its own "(#5.7.17)" long before RFC 7372 gave the code a meaning.
DECISIVE_STATUS: frozenset[str] = frozenset(
    {"7.13", "7.20", "7.21", "7.22", "7.23", "7.24", "7.25", "7.26", "7.27"})
# Words whose meaning needs no code (the RFC 3463 subjects' own wording): after the phrase
# table, before a status alone.
MEANINGS_BY_WORDS: tuple[Meaning, ...] = (
    Meaning("ratelimited", (), RATE_WORDS, "doc:RFC5321"),  # 452 "Too many recipients"
    # a mailing list or group refuses a post from a non-member: the sender is refused (Sisimai
    # lib/Sisimai/Reason/Rejected.pm index "you are not allowed to post to this mailing list",
    # "by non-member to a members-only list"; Lhost/GoogleGroups.pm, Lhost/FML.pm)
    Meaning("rejected", (), r"not (?:have permission|allowed|permitted|authori[sz]ed) to post"
            r"|not a member of (?:this|the) (?:mailing )?(?:list|group)"
            r"|members-only (?:list|group)",
            # "may not have permission to post": Google Groups' own words, read in its files
            "doc:sisimai-reason-rejected", also=("shared:lhost-googlegroups",)),
    # Sieve's reject action (RFC 5429): "Your message to <x> was automatically rejected"
    Meaning("filtered", (), r"(?:was|were|been) automatically rejected|rejected by (?:a |the )?"
            r"(?:sieve|mail ?filter|recipient'?s? (?:mail )?filter)", "doc:RFC5429"),
    Meaning("suspend", (), rf"{_WHO} (?:is |has been |was )?(?:{SUSPEND_WORDS})", "doc:RFC3463"),
    Meaning("mailboxfull", (), r"(?:mail ?box|inbox|mail ?folder) (?:is |was )?full|full mail ?box"
            r"|over (?:the |their |its |disk )?quota|exceed\w* (?:the |their |its )?(?:mailbox )?"
            r"(?:quota|allowed size)", "doc:RFC3463"),
    Meaning("hostunknown", (), HOST_WORDS, "doc:RFC3463"),
    # the resolver failed (RFC 1035 RCODE 2 "Server failure", a malformed answer), which says
    # nothing about whether the domain exists: after HOST_WORDS ("Host not found" wins)
    Meaning("networkerror", (), RESOLVER_FAILED_WORDS, "doc:RFC1035"),
    Meaning("userunknown", (), USER_WORDS, "doc:RFC5321"),
    Meaning("norelaying", (), RELAY_WORDS, "doc:RFC5321"),
    Meaning("networkerror", (), LOOP_WORDS, "doc:RFC3463"),
    Meaning("expired", (), EXPIRED_WORDS, "doc:RFC3463"),
)


def meaning_id(row: Meaning, i: int) -> str:
    return f"meaning:{'status' if row.statuses else 'words'}:{row.reason}:{i}"


_MEANING_STATUS = tuple((row, re.compile(row.words), meaning_id(row, i))
                        for i, row in enumerate(MEANINGS_WITH_STATUS))
_MEANING_WORDS = tuple((row, re.compile(row.words), meaning_id(row, i))
                       for i, row in enumerate(MEANINGS_BY_WORDS))
_MEANING_FIRST = tuple((row, re.compile(row.words), f"meaning:first:{row.reason}")
                       for row in MEANINGS_FIRST)
rules.register("meaning:decisive-status", ("doc:RFC7372", "doc:RFC7505"),
               covers="an RFC 7372/7505 status names the reason whatever the words")
for _row, _, _rid in (*_MEANING_STATUS, *_MEANING_WORDS, *_MEANING_FIRST):
    rules.register(_rid, (_row.source, *_row.also), covers=f"{_row.reason}: {_row.words[:60]}")


def reason_by_status_and_words(text: str, status: str | None) -> str | None:
    """The reason a status and the words around it agree on (both needed), or ``None``."""
    if not status or status[0] not in "45":
        return None
    detail = status.partition(".")[2]
    if not any(detail in row.statuses for row, _, _ in _MEANING_STATUS):
        return None
    text = _normal(text)
    for row, pattern, rid in _MEANING_STATUS:
        if detail in row.statuses and pattern.search(text) and rules.fire(rid):
            return row.reason
    return None


def reason_by_words(text: str, rows: tuple[tuple[Meaning, re.Pattern[str], str], ...] = (
        _MEANING_WORDS)) -> str | None:
    """The reason general words say without a code, or ``None``."""
    text = _normal(text)
    for row, pattern, rid in rows:
        if pattern.search(text) and rules.fire(rid):
            return row.reason
    return None


def reason_for(diagnostic: str, status: str | None = None, reply: str | None = None,
               hosts: str = "") -> str:
    """Decide the reason: a remote host's code or own sentence, a status the words agree with,
    phrases, Sisimai's indexes, general words, then status, then reply code; ``onhold`` when
    nothing tells. ``hosts``: the remote host names (``remote_hosts``)."""
    normal = _normal(diagnostic)  # _normal is idempotent: the helpers' own call is cheap
    hosts = f"{hosts} {host_names(normal)}" if "." in normal else hosts
    coded = reason_from_codes(normal, hosts) or reason_from_rhost(normal, hosts)
    if coded is not None:
        return coded
    detail = (status or "").partition(".")[2]
    if detail in DECISIVE_STATUS and rules.fire("meaning:decisive-status"):
        return STATUS_REASONS[detail]
    return (reason_by_words(normal, _MEANING_FIRST)
            or reason_by_status_and_words(normal, status) or reason_from_text(normal)
            or reason_from_index(normal) or reason_by_words(normal) or reason_from_status(status)
            or REPLY_REASONS.get(reply or "") or "onhold")


# The SMTP command a failure answered, from the words around it: Postfix "(in reply to RCPT TO
# command)", Sendmail's ">>> DATA" transcript, Exim's "after RCPT TO:", qmail's "does not like
# recipient". The last one named wins (a transcript ends with the failing command). One
# pattern per literal lead-in, over lower-cased text: the regex engine then scans for the
# literal instead of trying every alternative at every position.
_VERBS = r"(rcpt|data|end of data|mail|ehlo|helo|auth|starttls|quit)\b"
COMMANDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("in reply to", re.compile(r"in reply to (?:the )?" + _VERBS)),
    (">>>", re.compile(r">>> ?" + _VERBS)),
    ("after ", re.compile(r"\bafter (rcpt|data|end of data|mail|ehlo|helo|initial connection"
                          r"|(?:sending )?(?:the )?(?:final )?data)\b")),
    ("smtp command", re.compile(r"smtp command[\s:-]*(rcpt|data|mail|ehlo|helo)\b")),
    ("[", re.compile(r"\[(rcpt_to|mail_from|data|ehlo)\]")),
    ("like", re.compile(r"(does not like recipient|did not like our rcpt)")),
    ("was rejected", re.compile(r"(sender was rejected|my name was rejected)")),
    ("for text command", re.compile(r"for (text) command")),
    # "SMTP error from remote server for RCPT TO command" (1&1/IONOS; Sisimai
    # lib/Sisimai/Lhost/EinsUndEins.pm reads the command from the same sentence)
    ("command", re.compile(r"\bfor (rcpt|mail|data)(?: to| from)? command")),
)
_COMMAND_NAMES = {"rcpt": "RCPT", "rcpt_to": "RCPT", "does not like recipient": "RCPT",
                  "did not like our rcpt": "RCPT",
                  "data": "DATA", "end of data": "DATA", "text": "DATA", "mail": "MAIL",
                  "mail_from": "MAIL", "sender was rejected": "MAIL", "ehlo": "HELO",
                  "helo": "HELO", "my name was rejected": "HELO", "initial connection": "CONN",
                  "auth": "AUTH", "starttls": "STARTTLS", "quit": "DATA"}


def command_of(text: str) -> str | None:
    """The SMTP command (RCPT, DATA, MAIL, HELO, CONN...) the failure answered, or ``None``."""
    text = text.lower()
    last, where = None, -1
    for lead, pattern in COMMANDS:
        if lead not in text:
            continue
        for m in pattern.finditer(text):
            if m.start() > where:
                word = " ".join(m.group(1).split())
                name = _COMMAND_NAMES.get("data" if "data" in word else word)
                if name:
                    last, where = name, m.start()
    return last


# "收件人不存在" in a Chinese letter that carries no SMTP code (or the same words in English or
# French: "L'adresse ... n'existe pas"): the provider says the address does not exist, and
# nothing suggests a content filter (Sisimai's "filtered" reading of bare "user unknown"
# words is for MTAs that would have given a code).
_ZH_NO_SUCH = re.compile(r"(?:用户|收件人|收信人|邮箱|帐号|账号|帐户|账户|地址)[^\n，。,]{0,6}"
                         r"(?:不存在|未找到|无效)|查无此"
                         r"|(?:recipient|user|mailbox|address) (?:does not|doesn't) exist"
                         r"|(?:adresse|destinataire|utilisateur)\b[^\n.]{0,60}n'existe pas"
                         # qmail-local's sentence, which it sends as #5.1.1 (qmail-local(8))
                         r"|no mailbox here by that name", re.I)

GAVE_UP = frozenset({"systemerror", "onhold"})
ADDRESS_REASONS = frozenset({"userunknown", "hostunknown", "filtered", "onhold", "suspend"})


def adjust(reason: str, text: str, status: str | None = None, action: str = "",
           dtype: str = "", command: str | None = None) -> str:
    """Context rules on top of the phrase/status decision (Sisimai's, as its tests show)."""
    if reason_from_codes(text.lower()) == reason:
        return reason  # a remote host's own error code is decisive
    named = reason == reason_from_status(status) and not (
        (status or "").startswith("4") and (status or "").endswith(".0"))
    if dtype == "x-unix" and reason not in ("mailboxfull", "emailtoolarge") and not named:
        return "mailererror"  # a local delivery program failed (unless the status says why)
    if reason == "hostunknown" and (status or "").startswith("4"):
        return "networkerror"  # a temporary DNS failure, not a missing domain
    command = command or command_of(text)
    if reason == "userunknown":
        # Sisimai: "user unknown" said to DATA means a filter refused the message after the
        # address was accepted; so do words with neither a status code nor a command to tell
        # (Sisimai calls it userunknown only when said to RCPT or with x.1.x).
        if command is None and status is None and _ZH_NO_SUCH.search(text) and rules.fire(
                "adjust:zh-no-such-recipient"):
            return reason  # a Chinese letter's own words, no code to weigh them against
        if command == "DATA" and (status or "").split(".")[1:2] != ["1"] or (
                command is None and status is None):
            return "filtered"
        if command != "RCPT" and (status or "").split(".")[1:2] == ["2"]:
            # x.2.x: the mailbox, not the address
            return "filtered"
    if command == "MAIL" and reason in ADDRESS_REASONS:
        return "rejected"  # a reply to MAIL FROM is about the sender, not the recipient
    if command in ("HELO", "CONN") and reason in ("onhold", "syntaxerror"):
        return "blocked"  # refused at the greeting: the client, not the message
    if action == "delayed" and reason in ("onhold", "systemerror"):
        return "expired"
    return reason


def explain(text: str) -> list[tuple[str, str]]:
    """Every (reason, phrase) that matches ``text``: a tuning aid for the phrase table."""
    text = _WS.sub(" ", text.replace("&nbsp;", " ")).lower()
    return [(reason, p) for reason, phrases in PHRASES for p in phrases if re.search(p, text)]


def is_hard(reason: str, status: str | None = None, final: bool = False) -> bool:
    """Hard only when the *address* is bad (Sisimai lib/Sisimai/SMTP/Error.pm soft_or_hard:
    userunknown, hostunknown, hasmoved; notaccept unless 4xx).

    ``final``: the mail system gave up and returned the message (a bounce letter). Then the
    reason decides whatever the class, as Sisimai decides: "4.1.1 user unknown" repeated
    until the queue gave up is a bad address. Otherwise (a refusal at our own SMTP session, a
    delay notice) a 4.X.X status is never hard (RFC 3463 section 3.1: "persistent transient
    failure", the sender may retry)."""
    temporary = (status or "").startswith("4")
    if reason == "notaccept":
        return not temporary
    return reason in HARD_REASONS and (final or not temporary)


# What staff should do, by reason (reports show it beside the outcome). Address problems ask
# the unit to correct its published address; mailbox problems to fix the mailbox; reasons on
# our sending side are not the unit's to fix.
ADVICE: dict[str, str] = {
    "userunknown": "地址不存在：请更正公开地址",
    "hostunknown": "域名不存在或无法解析：请更正公开地址或修复域名解析",
    "hasmoved": "邮箱已迁移：请公开新地址",
    "notaccept": "该域名不接收邮件：请公开可用的邮箱地址",
    "suspend": "邮箱已停用、冻结或过期：请恢复邮箱或公开新地址",
    "mailboxfull": "邮箱已满：请清理邮箱或扩容",
    "emailtoolarge": "邮件超过对方大小限制：请核对邮件大小限制",
    "filtered": "邮件被收件方过滤：请检查收件规则与白名单",
    "policyviolation": "对方策略拒收：请检查邮件系统策略",
    "norelaying": "对方服务器不为该域名收信：请检查域名的 MX 记录",
    "systemfull": "对方服务器存储已满：请联系邮件系统管理员",
    "systemerror": "对方服务器出错：请联系邮件系统管理员",
    "mailererror": "对方投递程序出错：请联系邮件系统管理员",
    "networkerror": "网络或域名解析故障：请检查邮件服务器能否连通",
    "expired": "多次重试仍未送达：请检查邮件服务器是否正常运行",
    "delayed": "投递延迟，仍在重试：等待最终结果",
    "greylisting": "对方灰名单暂缓接收，会自动重试：无需处理",
    "syntaxerror": "通信协议错误：请联系邮件系统管理员",
    "contenterror": "邮件内容格式被拒：发送方核查",
    "virusdetected": "邮件被判为含病毒：发送方核查",
}
SENDER_SIDE_ADVICE = "发送方原因（信誉、认证或频率），不计入单位：由测评方处理"
UNKNOWN_ADVICE = "原因不明：请人工查看退信原文"


def advice_for(reason: str | None) -> str:
    """What staff should do about a bounce with ``reason`` (Chinese, one line)."""
    if reason in SENDER_SIDE:
        return SENDER_SIDE_ADVICE
    return ADVICE.get(reason or "", UNKNOWN_ADVICE)
