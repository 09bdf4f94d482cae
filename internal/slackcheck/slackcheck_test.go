package slackcheck

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// Builders of small JSON payloads. Every valid payload below passes; every
// invalid one breaks exactly one rule and must be reported at exactly one
// path.

func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func rep(n int) string { return strings.Repeat("a", n) }

func plain(s string) string { return `{"type":"plain_text","text":` + q(s) + `}` }
func md(s string) string    { return `{"type":"mrkdwn","text":` + q(s) + `}` }

func join(parts []string) string { return strings.Join(parts, ",") }

func msg(blocks ...string) string { return `{"text":"hi","blocks":[` + join(blocks) + `]}` }

func modal(blocks ...string) string {
	return `{"type":"modal","title":` + plain("Goals") + `,"submit":` + plain("Save") + `,"blocks":[` + join(blocks) + `]}`
}

func section(text string) string { return `{"type":"section","text":` + md(text) + `}` }

// accessory is a section holding el.
func accessory(el string) string {
	return `{"type":"section","text":` + md("x") + `,"accessory":` + el + `}`
}

func actions(els ...string) string { return `{"type":"actions","elements":[` + join(els) + `]}` }

func input(id, el string) string {
	return `{"type":"input","block_id":` + q(id) + `,"label":` + plain("Label") + `,"element":` + el + `}`
}

func button(id string) string {
	return `{"type":"button","action_id":` + q(id) + `,"text":` + plain("Go") + `}`
}

func option(text, value string) string {
	return `{"text":` + plain(text) + `,"value":` + q(value) + `}`
}

// options is n options with distinct values.
func options(n int) string {
	var os []string
	for i := range n {
		os = append(os, option(fmt.Sprint("Option ", i), fmt.Sprint("v", i)))
	}
	return join(os)
}

func buttons(n int) string {
	var bs []string
	for i := range n {
		bs = append(bs, button(fmt.Sprint("b", i)))
	}
	return join(bs)
}

func many(n int, block string) []string {
	bs := make([]string, n)
	for i := range bs {
		bs[i] = block
	}
	return bs
}

func group(label string, opts string) string {
	return `{"label":` + plain(label) + `,"options":[` + opts + `]}`
}

func groups(n int) string {
	var gs []string
	for i := range n {
		gs = append(gs, group(fmt.Sprint("G", i), option("x", fmt.Sprint("g", i))))
	}
	return join(gs)
}

// pass marks a case that must pass.
const pass = "(pass)"

type check struct {
	name string
	fn   func([]byte) error
	in   string
	want string // the one path reported, or pass
}

func run(t *testing.T, checks []check) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			err := c.fn([]byte(c.in))
			if c.want == pass {
				if err != nil {
					t.Fatalf("want no violation, got:\n%v", err)
				}
				return
			}
			vs := Violations(err)
			if len(vs) == 0 {
				t.Fatalf("want a violation at %q, got none", c.want)
			}
			for _, v := range vs {
				if v.Path != c.want {
					t.Fatalf("want violations at %q only, got:\n%v", c.want, err)
				}
			}
		})
	}
}

func TestMessage(t *testing.T) {
	m := Message
	run(t, []check{
		{"text only", m, `{"text":"hi"}`, pass},
		{"no content", m, `{"channel":"C1"}`, ""},
		{"empty text", m, `{"text":""}`, ""},
		{"text at the limit", m, `{"text":` + q(rep(MessageTextMax)) + `}`, pass},
		{"text over the limit", m, `{"text":` + q(rep(MessageTextMax+1)) + `}`, "text"},
		{"text counted in runes", m, `{"text":` + q(strings.Repeat("é", MessageTextMax)) + `}`, pass},
		{"text not a string", m, `{"text":3,"blocks":[` + section("x") + `]}`, "text"},
		{"blocks only", m, `{"blocks":[` + section("x") + `]}`, pass},
		{"blocks as a JSON string", m, `{"text":"hi","blocks":` + q(`[`+section("x")+`]`) + `}`, pass},
		{"blocks as a bad string", m, `{"text":"hi","blocks":"[{"}`, "blocks"},
		{"blocks as a string, checked", m, `{"text":"hi","blocks":` + q(`[`+section("")+`]`) + `}`, "blocks[0].text.text"},
		{"blocks not an array", m, `{"text":"hi","blocks":{}}`, "blocks"},
		{"50 blocks", m, msg(many(MessageBlocksMax, section("x"))...), pass},
		{"51 blocks", m, msg(many(MessageBlocksMax+1, section("x"))...), "blocks"},
		{"delete_original", m, `{"delete_original":true}`, pass},
		{"attachments only", m, `{"attachments":[{"text":"x"}]}`, pass},
		{"not JSON", m, `{`, ""},
		{"not an object", m, `[]`, ""},
		{"socket mode ack", m, `{"envelope_id":"e1","payload":{"text":"hi"}}`, pass},
		{"bare socket mode ack", m, `{"envelope_id":"e1"}`, pass},
		{"socket mode ack checked", m, `{"envelope_id":"e1","payload":{"text":` + q(rep(MessageTextMax+1)) + `}}`, "payload.text"},
		{"input block in a message", m, msg(input("in", `{"type":"plain_text_input","action_id":"t"}`)), pass},
		{"modal-only element in a message", m, msg(input("in", `{"type":"email_text_input","action_id":"e"}`)), "blocks[0].element.type"},
		{"unknown block", m, msg(`{"type":"sectoin"}`), "blocks[0].type"},
		{"block without type", m, msg(`{"block_id":"x"}`), "blocks[0].type"},
		{"unchecked known block", m, msg(`{"type":"rich_text","elements":[]}`), pass},
		{"block not an object", m, msg(`"section"`), "blocks[0]"},
	})
}

func TestTextObjects(t *testing.T) {
	m := Message
	run(t, []check{
		{"mrkdwn", m, msg(section("*hi*")), pass},
		{"plain_text", m, msg(`{"type":"section","text":` + plain("hi") + `}`), pass},
		{"bad type", m, msg(`{"type":"section","text":{"type":"markdown","text":"hi"}}`), "blocks[0].text.type"},
		{"missing type", m, msg(`{"type":"section","text":{"text":"hi"}}`), "blocks[0].text.type"},
		{"missing text", m, msg(`{"type":"section","text":{"type":"mrkdwn"}}`), "blocks[0].text.text"},
		{"empty text", m, msg(section("")), "blocks[0].text.text"},
		{"3000 characters", m, msg(section(rep(TextMax))), pass},
		{"3001 characters", m, msg(section(rep(TextMax + 1))), "blocks[0].text.text"},
		{"3000 runes of 2 bytes", m, msg(section(strings.Repeat("é", TextMax))), pass},
		{"emoji on plain_text", m, msg(`{"type":"section","text":{"type":"plain_text","text":"hi","emoji":true}}`), pass},
		{"emoji on mrkdwn", m, msg(`{"type":"section","text":{"type":"mrkdwn","text":"hi","emoji":false}}`), "blocks[0].text.emoji"},
		{"verbatim on mrkdwn", m, msg(`{"type":"section","text":{"type":"mrkdwn","text":"hi","verbatim":true}}`), pass},
		{"verbatim on plain_text", m, msg(`{"type":"section","text":{"type":"plain_text","text":"hi","verbatim":true}}`), "blocks[0].text.verbatim"},
		{"text object not an object", m, msg(`{"type":"section","text":"hi"}`), "blocks[0].text"},
	})
}

func TestIDs(t *testing.T) {
	m := Message
	withID := func(id string) string { return `{"type":"divider","block_id":` + q(id) + `}` }
	run(t, []check{
		{"block_id 255", m, msg(withID(rep(BlockIDMax))), pass},
		{"block_id 256", m, msg(withID(rep(BlockIDMax + 1))), "blocks[0].block_id"},
		{"block_id empty", m, msg(withID("")), "blocks[0].block_id"},
		{"block_ids distinct", m, msg(withID("a"), withID("b")), pass},
		{"block_id repeated", m, msg(withID("a"), withID("a")), "blocks[1].block_id"},
		{"action_id 255", m, msg(actions(button(rep(ActionIDMax)))), pass},
		{"action_id 256", m, msg(actions(button(rep(ActionIDMax + 1)))), "blocks[0].elements[0].action_id"},
		{"action_id empty", m, msg(actions(button(""))), "blocks[0].elements[0].action_id"},
		{"action_ids distinct", m, msg(actions(button("a")), actions(button("b"))), pass},
		{"action_id repeated across blocks", m, msg(actions(button("a")), actions(button("a"))), "blocks[1].elements[0].action_id"},
		{"action_id absent", m, msg(actions(`{"type":"button","text":` + plain("Go") + `}`)), pass},
	})
}

func TestSection(t *testing.T) {
	m := Message
	fields := func(n, size int) string {
		return `{"type":"section","fields":[` + join(many(n, md(rep(size)))) + `]}`
	}
	run(t, []check{
		{"fields only", m, msg(fields(1, 5)), pass},
		{"10 fields", m, msg(fields(SectionFieldsMax, 5)), pass},
		{"11 fields", m, msg(fields(SectionFieldsMax+1, 5)), "blocks[0].fields"},
		{"field of 2000", m, msg(fields(1, SectionFieldTextMax)), pass},
		{"field of 2001", m, msg(fields(1, SectionFieldTextMax+1)), "blocks[0].fields[0].text"},
		{"neither text nor fields", m, msg(`{"type":"section"}`), "blocks[0]"},
		{"empty fields, no text", m, msg(`{"type":"section","fields":[]}`), "blocks[0]"},
		{"button accessory", m, msg(accessory(button("b"))), pass},
		{"image accessory", m, msg(accessory(`{"type":"image","image_url":"https://x/y.png","alt_text":"y"}`)), pass},
		{"accessory array", m, msg(accessory(`[` + button("b") + `]`)), "blocks[0].accessory"},
		{"input element as accessory", m, msg(accessory(`{"type":"plain_text_input","action_id":"t"}`)), "blocks[0].accessory.type"},
		{"unknown element", m, msg(accessory(`{"type":"slider"}`)), "blocks[0].accessory.type"},
	})
}

func TestHeaderContextActionsDivider(t *testing.T) {
	m := Message
	header := func(text string) string { return `{"type":"header","text":` + text + `}` }
	context := func(els ...string) string { return `{"type":"context","elements":[` + join(els) + `]}` }
	run(t, []check{
		{"header", m, msg(header(plain(rep(HeaderTextMax)))), pass},
		{"header too long", m, msg(header(plain(rep(HeaderTextMax + 1)))), "blocks[0].text.text"},
		{"header mrkdwn", m, msg(header(md("hi"))), "blocks[0].text.type"},
		{"header without text", m, msg(`{"type":"header"}`), "blocks[0].text"},

		{"context", m, msg(context(md("a"), plain("b"), `{"type":"image","image_url":"https://x/y.png","alt_text":"y"}`)), pass},
		{"context of 10", m, msg(context(many(ContextElementsMax, md("a"))...)), pass},
		{"context of 11", m, msg(context(many(ContextElementsMax+1, md("a"))...)), "blocks[0].elements"},
		{"empty context", m, msg(context()), "blocks[0].elements"},
		{"context without elements", m, msg(`{"type":"context"}`), "blocks[0].elements"},
		{"context with empty text", m, msg(context(md(""))), "blocks[0].elements[0].text"},
		{"context image without alt_text", m, msg(context(`{"type":"image","image_url":"https://x/y.png"}`)), "blocks[0].elements[0].alt_text"},
		{"context with a button", m, msg(context(button("b"))), "blocks[0].elements[0].type"},

		{"actions of 25", m, msg(actions(buttons(ActionsElementsMax))), pass},
		{"actions of 26", m, msg(actions(buttons(ActionsElementsMax + 1))), "blocks[0].elements"},
		{"empty actions", m, msg(actions()), "blocks[0].elements"},
		{"actions with a plain_text_input", m, msg(actions(`{"type":"plain_text_input","action_id":"t"}`)), "blocks[0].elements[0].type"},

		{"divider", m, msg(`{"type":"divider","block_id":"d"}`), pass},
		{"divider with text", m, msg(`{"type":"divider","text":` + md("x") + `}`), "blocks[0].text"},
	})
}

func TestInput(t *testing.T) {
	v := View
	text := `{"type":"plain_text_input","action_id":"t"}`
	run(t, []check{
		{"input", v, modal(input("in", text)), pass},
		{"label of 2000", v, modal(`{"type":"input","label":` + plain(rep(InputLabelMax)) + `,"element":` + text + `}`), pass},
		{"label of 2001", v, modal(`{"type":"input","label":` + plain(rep(InputLabelMax+1)) + `,"element":` + text + `}`), "blocks[0].label.text"},
		{"label mrkdwn", v, modal(`{"type":"input","label":` + md("L") + `,"element":` + text + `}`), "blocks[0].label.type"},
		{"no label", v, modal(`{"type":"input","element":` + text + `}`), "blocks[0].label"},
		{"hint of 2000", v, modal(`{"type":"input","label":` + plain("L") + `,"hint":` + plain(rep(InputHintMax)) + `,"element":` + text + `}`), pass},
		{"hint of 2001", v, modal(`{"type":"input","label":` + plain("L") + `,"hint":` + plain(rep(InputHintMax+1)) + `,"element":` + text + `}`), "blocks[0].hint.text"},
		{"no element", v, modal(`{"type":"input","label":` + plain("L") + `}`), "blocks[0].element"},
		{"two elements", v, modal(`{"type":"input","label":` + plain("L") + `,"element":[` + text + `,` + text + `]}`), "blocks[0].element"},
		{"button element", v, modal(input("in", button("b"))), "blocks[0].element.type"},
		{"email input in a modal", v, modal(input("in", `{"type":"email_text_input","action_id":"e"}`)), pass},
		{"one focus_on_load", v, modal(input("a", `{"type":"plain_text_input","action_id":"a","focus_on_load":true}`)), pass},
		{"two focus_on_load", v, modal(
			input("a", `{"type":"plain_text_input","action_id":"a","focus_on_load":true}`),
			input("b", `{"type":"plain_text_input","action_id":"b","focus_on_load":true}`)), "blocks[1].element.focus_on_load"},
	})
}

func TestImageBlock(t *testing.T) {
	m := Message
	image := func(fields string) string { return `{"type":"image",` + fields + `}` }
	run(t, []check{
		{"image", m, msg(image(`"image_url":"https://x/y.png","alt_text":"y","title":` + plain("T"))), pass},
		{"slack_file", m, msg(image(`"slack_file":{"id":"F1"},"alt_text":"y"`)), pass},
		{"no alt_text", m, msg(image(`"image_url":"https://x/y.png"`)), "blocks[0].alt_text"},
		{"empty alt_text", m, msg(image(`"image_url":"https://x/y.png","alt_text":""`)), "blocks[0].alt_text"},
		{"alt_text of 2001", m, msg(image(`"image_url":"https://x/y.png","alt_text":` + q(rep(ImageAltTextMax+1)))), "blocks[0].alt_text"},
		{"image_url of 3001", m, msg(image(`"image_url":` + q(rep(ImageURLMax+1)) + `,"alt_text":"y"`)), "blocks[0].image_url"},
		{"no source", m, msg(image(`"alt_text":"y"`)), "blocks[0]"},
		{"both sources", m, msg(image(`"image_url":"https://x/y.png","slack_file":{"id":"F1"},"alt_text":"y"`)), "blocks[0]"},
		{"title mrkdwn", m, msg(image(`"image_url":"https://x/y.png","alt_text":"y","title":` + md("T"))), "blocks[0].title.type"},
		{"title of 2001", m, msg(image(`"image_url":"https://x/y.png","alt_text":"y","title":` + plain(rep(ImageTitleMax+1)))), "blocks[0].title.text"},
	})
}

func TestButton(t *testing.T) {
	m := Message
	b := func(fields string) string {
		return msg(actions(`{"type":"button","action_id":"b","text":` + plain("Go") + fields + `}`))
	}
	run(t, []check{
		{"button", m, b(`,"value":"v","url":"https://x","style":"primary","accessibility_label":"go"`), pass},
		{"danger", m, b(`,"style":"danger"`), pass},
		{"other style", m, b(`,"style":"secondary"`), "blocks[0].elements[0].style"},
		{"text of 75", m, msg(actions(`{"type":"button","text":` + plain(rep(ButtonTextMax)) + `}`)), pass},
		{"text of 76", m, msg(actions(`{"type":"button","text":` + plain(rep(ButtonTextMax+1)) + `}`)), "blocks[0].elements[0].text.text"},
		{"text mrkdwn", m, msg(actions(`{"type":"button","text":` + md("Go") + `}`)), "blocks[0].elements[0].text.type"},
		{"no text", m, msg(actions(`{"type":"button","action_id":"b"}`)), "blocks[0].elements[0].text"},
		{"value of 2000", m, b(`,"value":` + q(rep(ButtonValueMax))), pass},
		{"value of 2001", m, b(`,"value":` + q(rep(ButtonValueMax+1))), "blocks[0].elements[0].value"},
		{"url of 3000", m, b(`,"url":` + q(rep(ButtonURLMax))), pass},
		{"url of 3001", m, b(`,"url":` + q(rep(ButtonURLMax+1))), "blocks[0].elements[0].url"},
		{"accessibility_label of 76", m, b(`,"accessibility_label":` + q(rep(ButtonAccessibilityLabelMax+1))), "blocks[0].elements[0].accessibility_label"},
		{"confirm", m, b(`,"confirm":{"title":` + plain("Sure?") + `,"text":` + md("Really") + `,"confirm":` + plain("Yes") + `,"deny":` + plain("No") + `,"style":"danger"}`), pass},
		{"confirm title of 101", m, b(`,"confirm":{"title":` + plain(rep(ConfirmTitleMax+1)) + `,"text":` + md("Really") + `,"confirm":` + plain("Yes") + `,"deny":` + plain("No") + `}`), "blocks[0].elements[0].confirm.title.text"},
		{"confirm without deny", m, b(`,"confirm":{"title":` + plain("Sure?") + `,"text":` + md("Really") + `,"confirm":` + plain("Yes") + `}`), "blocks[0].elements[0].confirm.deny"},
		{"confirm text of 301", m, b(`,"confirm":{"title":` + plain("Sure?") + `,"text":` + md(rep(ConfirmTextMax+1)) + `,"confirm":` + plain("Yes") + `,"deny":` + plain("No") + `}`), "blocks[0].elements[0].confirm.text.text"},
	})
}

func TestStaticSelect(t *testing.T) {
	m := Message
	const at = "blocks[0].accessory"
	sel := func(fields string) string {
		return msg(accessory(`{"type":"static_select","action_id":"s"` + fields + `}`))
	}
	run(t, []check{
		{"100 options", m, sel(`,"options":[` + options(SelectOptionsMax) + `]`), pass},
		{"101 options", m, sel(`,"options":[` + options(SelectOptionsMax+1) + `]`), at + ".options"},
		{"no options", m, sel(``), at},
		{"empty options", m, sel(`,"options":[]`), at + ".options"},
		{"options and groups", m, sel(`,"options":[` + option("a", "a") + `],"option_groups":[` + group("G", option("b", "b")) + `]`), at},
		{"100 groups", m, sel(`,"option_groups":[` + groups(SelectOptionGroupsMax) + `]`), pass},
		{"101 groups", m, sel(`,"option_groups":[` + groups(SelectOptionGroupsMax+1) + `]`), at + ".option_groups"},
		{"group label of 75", m, sel(`,"option_groups":[` + group(rep(OptionGroupLabelMax), option("a", "a")) + `]`), pass},
		{"group label of 76", m, sel(`,"option_groups":[` + group(rep(OptionGroupLabelMax+1), option("a", "a")) + `]`), at + ".option_groups[0].label.text"},
		{"group of 100", m, sel(`,"option_groups":[` + group("G", options(OptionGroupOptionsMax)) + `]`), pass},
		{"group of 101", m, sel(`,"option_groups":[` + group("G", options(OptionGroupOptionsMax+1)) + `]`), at + ".option_groups[0].options"},
		{"value repeated across groups", m, sel(`,"option_groups":[` + group("G", option("a", "v")) + `,` + group("H", option("b", "v")) + `]`), at + ".option_groups[1].options[0].value"},
		{"option text of 75", m, sel(`,"options":[` + option(rep(OptionTextMax), "v") + `]`), pass},
		{"option text of 76", m, sel(`,"options":[` + option(rep(OptionTextMax+1), "v") + `]`), at + ".options[0].text.text"},
		{"option text mrkdwn", m, sel(`,"options":[{"text":` + md("a") + `,"value":"v"}]`), at + ".options[0].text.type"},
		{"option value of 75", m, sel(`,"options":[` + option("a", rep(OptionValueMax)) + `]`), pass},
		{"option value of 76", m, sel(`,"options":[` + option("a", rep(OptionValueMax+1)) + `]`), at + ".options[0].value"},
		{"option without value", m, sel(`,"options":[{"text":` + plain("a") + `}]`), at + ".options[0].value"},
		{"option description of 76", m, sel(`,"options":[{"text":` + plain("a") + `,"value":"v","description":` + plain(rep(OptionDescriptionMax+1)) + `}]`), at + ".options[0].description.text"},
		{"option url in a select", m, sel(`,"options":[{"text":` + plain("a") + `,"value":"v","url":"https://x"}]`), at + ".options[0].url"},
		{"values repeated", m, sel(`,"options":[` + option("a", "v") + `,` + option("b", "v") + `]`), at + ".options[1].value"},
		{"initial_option among options", m, sel(`,"options":[` + options(3) + `],"initial_option":` + option("Option 1", "v1")), pass},
		{"initial_option with another text", m, sel(`,"options":[` + options(3) + `],"initial_option":` + option("Other", "v1")), at + ".initial_option"},
		{"initial_option with another value", m, sel(`,"options":[` + options(3) + `],"initial_option":` + option("Option 1", "v9")), at + ".initial_option"},
		{"initial_option in a group", m, sel(`,"option_groups":[` + group("G", option("a", "v")) + `],"initial_option":` + option("a", "v")), pass},
		{"initial_options on a single select", m, sel(`,"options":[` + options(1) + `],"initial_options":[` + option("Option 0", "v0") + `]`), at + ".initial_options"},
		{"placeholder of 150", m, sel(`,"options":[` + options(1) + `],"placeholder":` + plain(rep(PlaceholderMax))), pass},
		{"placeholder of 151", m, sel(`,"options":[` + options(1) + `],"placeholder":` + plain(rep(PlaceholderMax+1))), at + ".placeholder.text"},
		{"placeholder mrkdwn", m, sel(`,"options":[` + options(1) + `],"placeholder":` + md("Pick")), at + ".placeholder.type"},
	})
}

func TestMultiSelects(t *testing.T) {
	m := Message
	const at = "blocks[0].accessory"
	multi := func(fields string) string {
		return msg(accessory(`{"type":"multi_static_select","action_id":"s","options":[` + options(3) + `]` + fields + `}`))
	}
	run(t, []check{
		{"initial_options among options", m, multi(`,"initial_options":[` + option("Option 0", "v0") + `,` + option("Option 2", "v2") + `]`), pass},
		{"initial_options not among options", m, multi(`,"initial_options":[` + option("Option 0", "v5") + `]`), at + ".initial_options[0]"},
		{"initial_option on a multi-select", m, multi(`,"initial_option":` + option("Option 0", "v0")), at + ".initial_option"},
		{"max_selected_items 1", m, multi(`,"max_selected_items":1`), pass},
		{"max_selected_items 0", m, multi(`,"max_selected_items":0`), at + ".max_selected_items"},
		{"max_selected_items 1.5", m, multi(`,"max_selected_items":1.5`), at + ".max_selected_items"},
		{"users select", m, msg(accessory(`{"type":"multi_users_select","action_id":"u","placeholder":` + plain("Who") + `}`)), pass},
	})
}

func TestExternalSelect(t *testing.T) {
	m := Message
	const at = "blocks[0].accessory"
	ext := func(fields string) string {
		return msg(accessory(`{"type":"external_select","action_id":"x","placeholder":` + plain("Find") + fields + `}`))
	}
	run(t, []check{
		{"external select", m, ext(``), pass},
		{"min_query_length 0", m, ext(`,"min_query_length":0`), pass},
		{"min_query_length -1", m, ext(`,"min_query_length":-1`), at + ".min_query_length"},
		{"initial_option from elsewhere", m, ext(`,"initial_option":` + option("Anna", "u1")), pass},
		{"initial_option checked as an option", m, ext(`,"initial_option":` + option("Anna", rep(OptionValueMax+1))), at + ".initial_option.value"},
		{"placeholder of 151", m, msg(accessory(`{"type":"external_select","action_id":"x","placeholder":` + plain(rep(PlaceholderMax+1)) + `}`)), at + ".placeholder.text"},
	})
}

func TestOverflowRadioCheckboxes(t *testing.T) {
	m := Message
	const at = "blocks[0].accessory"
	overflow := func(opts string) string {
		return msg(accessory(`{"type":"overflow","action_id":"o","options":[` + opts + `]}`))
	}
	radio := func(opts, fields string) string {
		return msg(accessory(`{"type":"radio_buttons","action_id":"r","options":[` + opts + `]` + fields + `}`))
	}
	boxes := func(opts, fields string) string {
		return msg(accessory(`{"type":"checkboxes","action_id":"c","options":[` + opts + `]` + fields + `}`))
	}
	mdOption := `{"text":` + md("*a*") + `,"value":"a","description":` + md("_d_") + `}`
	run(t, []check{
		{"overflow of 2", m, overflow(options(OverflowOptionsMin)), pass},
		{"overflow of 5", m, overflow(options(OverflowOptionsMax)), pass},
		{"overflow of 1", m, overflow(options(OverflowOptionsMin - 1)), at + ".options"},
		{"overflow of 6", m, overflow(options(OverflowOptionsMax + 1)), at + ".options"},
		{"overflow option url", m, overflow(options(1) + `,{"text":` + plain("Web") + `,"value":"w","url":"https://x"}`), pass},
		{"overflow option url of 3001", m, overflow(options(1) + `,{"text":` + plain("Web") + `,"value":"w","url":` + q(rep(OptionURLMax+1)) + `}`), at + ".options[1].url"},

		{"radio of 10", m, radio(options(RadioOptionsMax), ``), pass},
		{"radio of 11", m, radio(options(RadioOptionsMax+1), ``), at + ".options"},
		{"radio mrkdwn option", m, radio(mdOption, ``), pass},
		{"radio initial_option", m, radio(options(3), `,"initial_option":`+option("Option 2", "v2")), pass},
		{"radio initial_option not among options", m, radio(options(3), `,"initial_option":`+option("Option 3", "v3")), at + ".initial_option"},

		{"checkboxes of 10", m, boxes(options(CheckboxOptionsMax), ``), pass},
		{"checkboxes of 11", m, boxes(options(CheckboxOptionsMax+1), ``), at + ".options"},
		{"checkboxes mrkdwn option", m, boxes(mdOption, ``), pass},
		{"checkboxes initial_options", m, boxes(options(3), `,"initial_options":[`+option("Option 1", "v1")+`]`), pass},
		{"checkboxes initial_options not among options", m, boxes(options(3), `,"initial_options":[`+option("Option 1", "v1")+`,`+option("Option 1", "v2")+`]`), at + ".initial_options[1]"},
	})
}

func TestPlainTextInputDateTime(t *testing.T) {
	v := View
	const at = "blocks[0].element"
	in := func(fields string) string {
		return modal(input("in", `{"type":"plain_text_input","action_id":"t"`+fields+`}`))
	}
	date := func(d string) string {
		return modal(input("in", `{"type":"datepicker","action_id":"d","initial_date":`+q(d)+`,"placeholder":`+plain("When")+`}`))
	}
	run(t, []check{
		{"input", v, in(`,"multiline":true,"min_length":1,"max_length":3000,"initial_value":"hi","placeholder":` + plain(rep(PlaceholderMax))), pass},
		{"placeholder of 151", v, in(`,"placeholder":` + plain(rep(PlaceholderMax+1))), at + ".placeholder.text"},
		{"max_length 3001", v, in(`,"max_length":3001`), at + ".max_length"},
		{"max_length 0", v, in(`,"max_length":0`), at + ".max_length"},
		{"min_length 0", v, in(`,"min_length":0`), pass},
		{"min_length -1", v, in(`,"min_length":-1`), at + ".min_length"},
		{"min_length above max_length", v, in(`,"min_length":10,"max_length":5`), at + ".min_length"},
		{"initial_value at max_length", v, in(`,"max_length":5,"initial_value":"abcde"`), pass},
		{"initial_value above max_length", v, in(`,"max_length":5,"initial_value":"abcdef"`), at + ".initial_value"},
		{"max_length a string", v, in(`,"max_length":"5"`), at + ".max_length"},

		{"initial_date", v, date("2024-02-29"), pass},
		{"initial_date not a day", v, date("2023-02-29"), at + ".initial_date"},
		{"initial_date in another format", v, date("29/02/2024"), at + ".initial_date"},
		{"datepicker placeholder of 151", v, modal(input("in", `{"type":"datepicker","action_id":"d","placeholder":`+plain(rep(PlaceholderMax+1))+`}`)), at + ".placeholder.text"},
		{"initial_time", v, modal(input("in", `{"type":"timepicker","action_id":"t","initial_time":"22:25"}`)), pass},
		{"initial_time out of range", v, modal(input("in", `{"type":"timepicker","action_id":"t","initial_time":"25:00"}`)), at + ".initial_time"},
	})
}

func TestView(t *testing.T) {
	v := View
	view := func(fields string) string {
		return `{"type":"modal","title":` + plain("Goals") + `,"blocks":[` + section("x") + `]` + fields + `}`
	}
	// A view over 250 kB that breaks nothing else: 100 sections of 3000.
	big := modal(many(ViewBlocksMax, section(rep(SectionTextMax)))...)
	run(t, []check{
		{"modal", v, view(`,"close":` + plain("Cancel") + `,"submit":` + plain("Save") + `,"callback_id":"goal","private_metadata":"{}","external_id":"e1"`), pass},
		{"home", v, `{"type":"home","blocks":[` + section("x") + `]}`, pass},
		{"other type", v, `{"type":"dialog","blocks":[]}`, "type"},
		{"no blocks", v, `{"type":"home"}`, "blocks"},
		{"100 blocks", v, `{"type":"home","blocks":[` + join(many(ViewBlocksMax, section("x"))) + `]}`, pass},
		{"101 blocks", v, `{"type":"home","blocks":[` + join(many(ViewBlocksMax+1, section("x"))) + `]}`, "blocks"},
		{"no title", v, `{"type":"modal","blocks":[]}`, "title"},
		{"title of 24", v, `{"type":"modal","title":` + plain(rep(ModalTitleMax)) + `,"blocks":[]}`, pass},
		{"title of 25", v, `{"type":"modal","title":` + plain(rep(ModalTitleMax+1)) + `,"blocks":[]}`, "title.text"},
		{"title mrkdwn", v, `{"type":"modal","title":` + md("Goals") + `,"blocks":[]}`, "title.type"},
		{"submit of 25", v, view(`,"submit":` + plain(rep(ModalButtonMax+1))), "submit.text"},
		{"close of 25", v, view(`,"close":` + plain(rep(ModalButtonMax+1))), "close.text"},
		{"input without submit", v, `{"type":"modal","title":` + plain("Goals") + `,"blocks":[` + input("in", `{"type":"plain_text_input","action_id":"t"}`) + `]}`, "submit"},
		{"input in a Home tab", v, `{"type":"home","blocks":[` + input("in", `{"type":"plain_text_input","action_id":"t"}`) + `]}`, pass},
		{"private_metadata of 3000", v, view(`,"private_metadata":` + q(rep(PrivateMetadataMax))), pass},
		{"private_metadata of 3001", v, view(`,"private_metadata":` + q(rep(PrivateMetadataMax+1))), "private_metadata"},
		{"callback_id of 256", v, view(`,"callback_id":` + q(rep(CallbackIDMax+1))), "callback_id"},
		{"external_id of 256", v, view(`,"external_id":` + q(rep(ExternalIDMax+1))), "external_id"},
		{"as Slack sends it back", v, view(`,"id":"V1","team_id":"T1","state":{"values":{}},"hash":"1.2","close":null,"external_id":"","root_view_id":"V1"`), pass},
		{"over 250 kB", v, big, ""},
		{"not JSON", v, `nope`, ""},
	})
}

func TestSubmissionResponse(t *testing.T) {
	submitted := modal(section("intro"), `{"type":"section","block_id":"sec","text":`+md("x")+`}`,
		input("goal", `{"type":"plain_text_input","action_id":"t"}`))
	s := func(resp []byte) error { return SubmissionResponse(resp, []byte(submitted)) }
	payload := func(resp []byte) error {
		return SubmissionResponse(resp, []byte(`{"type":"view_submission","view":`+submitted+`}`))
	}
	unknown := func(resp []byte) error { return SubmissionResponse(resp, nil) }
	run(t, []check{
		{"empty body", s, ``, pass},
		{"empty object", s, `{}`, pass},
		{"clear", s, `{"response_action":"clear"}`, pass},
		{"errors on an input", s, `{"response_action":"errors","errors":{"goal":"Too long"}}`, pass},
		{"errors, the whole payload given", payload, `{"response_action":"errors","errors":{"goal":"Too long"}}`, pass},
		{"errors on a section", s, `{"response_action":"errors","errors":{"sec":"No"}}`, "errors.sec"},
		{"errors on nothing", s, `{"response_action":"errors","errors":{"gaol":"No"}}`, "errors.gaol"},
		{"errors with an empty message", s, `{"response_action":"errors","errors":{"goal":""}}`, "errors.goal"},
		{"errors empty", s, `{"response_action":"errors","errors":{}}`, "errors"},
		{"errors missing", s, `{"response_action":"errors"}`, "errors"},
		{"errors, no submitted view", unknown, `{"response_action":"errors","errors":{"anything":"x"}}`, pass},
		{"update", s, `{"response_action":"update","view":` + modal(section("done")) + `}`, pass},
		{"push", s, `{"response_action":"push","view":` + modal(section("next")) + `}`, pass},
		{"update checked", s, `{"response_action":"update","view":{"type":"modal","title":` + plain(rep(ModalTitleMax+1)) + `,"blocks":[]}}`, "view.title.text"},
		{"push a Home tab", s, `{"response_action":"push","view":{"type":"home","blocks":[]}}`, "view.type"},
		{"update without view", s, `{"response_action":"update"}`, "view"},
		{"other action", s, `{"response_action":"close"}`, "response_action"},
		{"no action", s, `{"errors":{"goal":"x"}}`, "response_action"},
		{"socket mode ack", s, `{"envelope_id":"e1","payload":{"response_action":"errors","errors":{"sec":"x"}}}`, "payload.errors.sec"},
	})
}

func TestOptions(t *testing.T) {
	o := Options
	run(t, []check{
		{"options", o, `{"options":[` + options(SuggestionOptionsMax) + `]}`, pass},
		{"no options", o, `{"options":[]}`, pass},
		{"101 options", o, `{"options":[` + options(SuggestionOptionsMax+1) + `]}`, "options"},
		{"option_groups", o, `{"option_groups":[` + groups(SuggestionOptionsMax) + `]}`, pass},
		{"101 option_groups", o, `{"option_groups":[` + groups(SuggestionOptionsMax+1) + `]}`, "option_groups"},
		{"both", o, `{"options":[` + options(1) + `],"option_groups":[` + groups(1) + `]}`, ""},
		{"neither", o, `{}`, ""},
		{"option text of 76", o, `{"options":[` + option(rep(OptionTextMax+1), "v") + `]}`, "options[0].text.text"},
		{"option text mrkdwn", o, `{"options":[{"text":` + md("a") + `,"value":"v"}]}`, "options[0].text.type"},
		{"option value of 76", o, `{"options":[` + option("a", rep(OptionValueMax+1)) + `]}`, "options[0].value"},
		{"values repeated", o, `{"options":[` + option("a", "v") + `,` + option("b", "v") + `]}`, "options[1].value"},
		{"socket mode ack", o, `{"envelope_id":"e","payload":{"options":[` + options(2) + `]}}`, pass},
	})
}

func TestLive(t *testing.T) {
	cases := []struct {
		text    string
		allowed []string
		want    []string
	}{
		{"Well done <@UANNA>!", []string{"<@UANNA>"}, nil},
		{"Well done <@UANNA|anna>!", []string{"<@UANNA>"}, nil},
		{"Well done <@UANNA>!", nil, []string{"<@UANNA>"}},
		{"<@WBOB> and <@UANNA>", []string{"<@UANNA>"}, []string{"<@WBOB>"}},
		{"<!channel> <!here> <!everyone>", nil, []string{"<!channel>", "<!here>", "<!everyone>"}},
		{"<!subteam^S123|@team>", nil, []string{"<!subteam^S123|@team>"}},
		{"due <!date^1392734382^{date}|Feb 18>", nil, []string{"<!date^1392734382^{date}|Feb 18>"}},
		{"in <#C123|general>", nil, []string{"<#C123|general>"}},
		{"<https://evil.example|click> <HTTP://x> <mailto:a@b.c>", nil, []string{"<https://evil.example|click>", "<HTTP://x>", "<mailto:a@b.c>"}},
		{"see <https://smallgoals.example/g/1|goal>", []string{"<https://smallgoals.example/g/1>"}, nil},
		{"&lt;!channel&gt; &lt;@UANNA&gt;", nil, nil},
		{"1 < 2 and 3 > 2", nil, nil},
		{"<b>bold</b> <foo>", nil, nil},
		{"<<@UX> and <", nil, []string{"<@UX>"}},
		{"@channel @here", nil, nil}, // not a control sequence
	}
	for _, c := range cases {
		if got := Live(c.text, c.allowed...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Live(%q, %q) = %q, want %q", c.text, c.allowed, got, c.want)
		}
	}
}

func TestFallback(t *testing.T) {
	if err := Fallback("You logged 3 for <@UANNA>.", "<@UANNA>"); err != nil {
		t.Errorf("allowed mention: %v", err)
	}
	err := Fallback("Anna wrote <!channel> and <@UBOB>", "<@UANNA>")
	vs := Violations(err)
	if len(vs) != 2 || vs[0].Path != "text" || !strings.Contains(vs[0].Msg, "<!channel>") || !strings.Contains(vs[1].Msg, "<@UBOB>") {
		t.Errorf("got %v", err)
	}
}

func TestMessageLive(t *testing.T) {
	payload := `{"text":"hi <@UANNA>","blocks":[` +
		section("Anna's goal: <!here>") + `,` +
		`{"type":"section","text":` + plain("<!here> is shown as typed") + `}` + `,` +
		`{"type":"context","elements":[` + md("by <@UANNA>") + `,` + md("<#C1>") + `]}` +
		`]}`
	err := MessageLive([]byte(payload), "<@UANNA>")
	var paths []string
	for _, v := range Violations(err) {
		paths = append(paths, v.Path)
	}
	want := []string{"blocks[0].text.text", "blocks[2].elements[1].text"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths %q, want %q; err:\n%v", paths, want, err)
	}
	if err := MessageLive([]byte(`{"text":"<!here>","blocks":[` + section("") + `]}`)); len(Violations(err)) != 1 || Violations(err)[0].Path != "text" {
		t.Errorf("limits are Message's business, not MessageLive's: %v", err)
	}
	if err := MessageLive([]byte(`{`)); err == nil {
		t.Error("unreadable payload passed")
	}
}

func TestAllViolationsReported(t *testing.T) {
	payload := msg(section(""), `{"type":"header","text":`+md(rep(HeaderTextMax+1))+`}`, actions())
	got := map[string]bool{}
	for _, v := range Violations(Message([]byte(payload))) {
		got[v.Path] = true
	}
	for _, p := range []string{"blocks[0].text.text", "blocks[1].text.type", "blocks[1].text.text", "blocks[2].elements"} {
		if !got[p] {
			t.Errorf("no violation at %s; got %v", p, got)
		}
	}
	if err := Message([]byte(payload)); !strings.Contains(err.Error(), "blocks[2].elements: 0 items, at least 1") {
		t.Errorf("error text: %v", err)
	}
}

// A message, a modal, acknowledgements and an options answer as slack-go
// renders them pass.
func TestSlackGoRendered(t *testing.T) {
	plainText := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
	}
	mrkdwn := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	opt := func(v, s string) *slack.OptionBlockObject { return slack.NewOptionBlockObject(v, plainText(s), nil) }

	week := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("Week"), "week",
		opt("this", "This week"), opt("last", "Last week"))
	week.InitialOption = opt("this", "This week")
	done := slack.NewButtonBlockElement("log:42", "42", plainText("Log it"))
	done.Style = slack.StylePrimary
	blocks := []slack.Block{
		slack.NewHeaderBlock(plainText("Your goals")),
		slack.NewSectionBlock(mrkdwn("*Run* 3 of 5 this week, <@UANNA>"), nil, slack.NewAccessory(week)),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn("*Goal*"), mrkdwn("*Done*"), plainText("Run"), plainText("3")}, nil),
		slack.NewDividerBlock(),
		slack.NewContextBlock("", mrkdwn("Last logged today"), slack.NewImageBlockElement("https://example.com/a.png", "chart")),
		slack.NewActionBlock("", done, slack.NewButtonBlockElement("skip:42", "42", plainText("Skip"))),
		slack.NewImageBlock("https://example.com/chart.png", "chart", "", plainText("This week")),
	}
	message, err := json.Marshal(map[string]any{"channel": "C1", "text": "Your goals, <@UANNA>", "blocks": slack.Blocks{BlockSet: blocks}})
	if err != nil {
		t.Fatal(err)
	}
	if err := Message(message); err != nil {
		t.Errorf("message: %v\n%s", err, message)
	}
	if err := MessageLive(message, "<@UANNA>"); err != nil {
		t.Errorf("message live: %v", err)
	}
	// chat.postMessage form-encoded: blocks as a JSON string.
	blocksJSON, _ := json.Marshal(blocks)
	form, _ := json.Marshal(map[string]string{"channel": "C1", "text": "Your goals", "blocks": string(blocksJSON)})
	if err := Message(form); err != nil {
		t.Errorf("form message: %v", err)
	}
	values := url.Values{"channel": {"C1"}, "text": {"Your goals"}, "blocks": {string(blocksJSON)}}
	if err := MessageForm(values); err != nil {
		t.Errorf("MessageForm: %v", err)
	}
	values.Set("blocks", `[`+section("")+`]`)
	if vs := Violations(MessageForm(values)); len(vs) != 1 || vs[0].Path != "blocks[0].text.text" {
		t.Errorf("MessageForm, empty section: %v", vs)
	}

	name := slack.NewPlainTextInputBlockElement(plainText("Run 5 km"), "name")
	name.MaxLength = 100
	due := slack.NewDatePickerBlockElement("due")
	due.InitialDate = "2026-05-01"
	how := slack.NewRadioButtonsBlockElement("how", slack.NewOptionBlockObject("daily", mrkdwn("*Daily*"), nil), slack.NewOptionBlockObject("weekly", mrkdwn("*Weekly*"), nil))
	days := slack.NewCheckboxGroupsBlockElement("days", opt("mon", "Monday"), opt("tue", "Tuesday"))
	days.InitialOptions = []*slack.OptionBlockObject{opt("tue", "Tuesday")}
	unit := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("Unit"), "unit", opt("km", "km"), opt("min", "minutes"))
	notes := slack.NewPlainTextInputBlockElement(nil, "notes")
	notes.Multiline = true
	modal := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainText("New goal"),
		Close:           plainText("Cancel"),
		Submit:          plainText("Save"),
		CallbackID:      "goal",
		PrivateMetadata: `{"channel":"C1"}`,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(mrkdwn("Set a small goal."), nil, nil),
			slack.NewInputBlock("name", plainText("Goal"), plainText("Short and concrete"), name),
			slack.NewInputBlock("due", plainText("Due"), nil, due),
			slack.NewInputBlock("how", plainText("How often"), nil, how),
			slack.NewInputBlock("days", plainText("Days"), nil, days),
			slack.NewInputBlock("unit", plainText("Unit"), nil, unit),
			slack.NewInputBlock("notes", plainText("Notes"), nil, notes),
		}},
	}
	view, _ := json.Marshal(modal)
	if err := View(view); err != nil {
		t.Errorf("modal: %v\n%s", err, view)
	}
	home, _ := json.Marshal(slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	if err := View(home); err != nil {
		t.Errorf("home: %v", err)
	}

	for name, resp := range map[string]*slack.ViewSubmissionResponse{
		"errors": slack.NewErrorsViewSubmissionResponse(map[string]string{"name": "Give the goal a name", "due": "Pick a day"}),
		"clear":  slack.NewClearViewSubmissionResponse(),
		"update": slack.NewUpdateViewSubmissionResponse(&modal),
	} {
		ack, _ := json.Marshal(resp)
		if err := SubmissionResponse(ack, view); err != nil {
			t.Errorf("%s: %v\n%s", name, err, ack)
		}
	}
	bad, _ := json.Marshal(slack.NewErrorsViewSubmissionResponse(map[string]string{"nmae": "typo"}))
	if vs := Violations(SubmissionResponse(bad, view)); len(vs) != 1 || vs[0].Path != "errors.nmae" {
		t.Errorf("misspelt block_id: %v", vs)
	}

	answer, _ := json.Marshal(slack.OptionsResponse{Options: []*slack.OptionBlockObject{opt("U1", "Anna"), opt("U2", "Bob")}})
	if err := Options(answer); err != nil {
		t.Errorf("options: %v", err)
	}
	grouped, _ := json.Marshal(slack.OptionGroupsResponse{OptionGroups: []*slack.OptionGroupBlockObject{
		slack.NewOptionGroupBlockElement(plainText("Team"), opt("U1", "Anna")),
	}})
	if err := Options(grouped); err != nil {
		t.Errorf("option groups: %v", err)
	}
}
