/**
 * The chat page's stylesheet, apart from its markup and script so each stays readable. Below
 * 700 px the room and peer sidebar becomes a drawer opened from the header, so a phone keeps
 * the whole width for messages and the Send button.
 *
 * @module
 */

/** CSS of the chat page. */
export const CHAT_PAGE_STYLE: string = `
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1d2330;display:flex;flex-direction:column}
header{background:#1d2330;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center;min-width:0}
header h1{font-size:18px;margin:0;white-space:nowrap}
header .me{font-family:ui-monospace,monospace;font-size:12px;opacity:.85;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
#menu{display:none;background:none;border:1px solid #556;color:#fff;border-radius:6px;padding:4px 10px;font:inherit;cursor:pointer}
.badge{padding:2px 8px;border-radius:10px;font-size:12px;background:#888;white-space:nowrap;flex:none}
.badge.up{background:#2e9d5b}.badge.down{background:#c0392b}.badge.auth{background:#b7791f}
main{flex:1;display:flex;min-height:0;position:relative}
aside{width:260px;flex:none;background:#fff;border-right:1px solid #dde;display:flex;flex-direction:column;padding:12px;gap:8px;overflow:auto}
aside h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667;margin:8px 0 4px}
#rooms button{display:block;width:100%;text-align:left;border:0;background:none;padding:6px 8px;border-radius:6px;cursor:pointer;font:inherit;color:inherit;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#rooms button:hover{background:#f0f2f7}
#rooms button.active{background:#e3e8f4;font-weight:600}
#peers{padding-left:0;margin:0;list-style:none}
#peers li{margin-bottom:6px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#peers .name{font-weight:600}
#peers .role{color:#667;font-size:12px}
#peers .pid{display:block;font-family:ui-monospace,monospace;font-size:11px;color:#889}
form.join{display:flex;gap:4px}
form.join input{flex:1;min-width:0;padding:6px 8px;font:inherit;border:1px solid #ccd;border-radius:6px}
button.secondary{padding:6px 12px;background:#e3e8f4;color:#1d2330;border:1px solid #c5cde0;border-radius:6px;font:inherit;cursor:pointer;flex:none}
button.secondary:hover{background:#d5dcee}
section{flex:1;display:flex;flex-direction:column;min-width:0}
#room-title{padding:10px 16px;font-weight:600;border-bottom:1px solid #dde;background:#fff;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#room-title:empty{display:none}
#messages{flex:1;overflow:auto;padding:12px 16px;display:flex;flex-direction:column;gap:8px}
.msg{background:#fff;border-radius:8px;padding:8px 10px;box-shadow:0 1px 2px rgba(0,0,0,.08);max-width:80%;min-width:0}
.msg.self{align-self:flex-end;background:#dcebff}
.msg .meta{font-size:11px;color:#667;display:flex;gap:8px;flex-wrap:wrap}
.msg .from{font-weight:600}
.msg .status.pending{color:#8a6d1f}.msg .status.not_delivered{color:#c0392b}
.msg .text{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:2px}
.hint{color:#889;font-style:italic;text-align:center;margin:auto 0}
form.send{display:flex;gap:8px;padding:10px 16px;background:#fff;border-top:1px solid #dde}
form.send input{flex:1;min-width:0;padding:8px;font:inherit;border:1px solid #ccd;border-radius:6px}
form.send input:disabled{background:#eef0f4}
button.primary{padding:8px 16px;background:#2f6fde;color:#fff;border:0;border-radius:6px;font:inherit;cursor:pointer;flex:none}
button:disabled{opacity:.5;cursor:not-allowed}
#error{color:#c0392b;font-size:12px;padding:0 16px;overflow-wrap:anywhere}
#auth{display:none;gap:8px;padding:10px 16px;background:#fff8e6;border-top:1px solid #ecd9a8;flex-wrap:wrap;align-items:center}
body[data-auth="needed"] #auth,body[data-auth="refused"] #auth{display:flex}
#auth label{flex-basis:100%;font-size:13px}
#auth input{flex:1;min-width:0;padding:8px;font:inherit;border:1px solid #ccd;border-radius:6px}
.empty{color:#889;font-style:italic}
#scrim{display:none}
@media (max-width:700px){
  header{padding:8px 10px;gap:8px}
  header h1{font-size:16px}
  #menu{display:block;flex:none}
  header .me{display:none}
  aside{position:absolute;top:0;bottom:0;left:0;width:min(80vw,280px);z-index:2;transform:translateX(-100%);transition:transform .15s}
  body.drawer aside{transform:none;box-shadow:2px 0 8px rgba(0,0,0,.15)}
  body.drawer #scrim{display:block;position:absolute;inset:0;background:rgba(0,0,0,.25);z-index:1}
  #messages{padding:10px}
  .msg{max-width:92%}
  form.send{padding:8px 10px}
  button.primary{padding:8px 12px}
}
`;
