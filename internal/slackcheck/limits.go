package slackcheck

// Slack's documented limits. Lengths are counted in runes (Unicode code
// points): the reference pages say "characters" without saying which; runes
// are what slack-go's own TextBlockObject.Validate counts. (A count in UTF-16
// code units would be stricter for characters outside the BMP, emoji mostly.)
//
// The reference moved from api.slack.com/reference/… to docs.slack.dev; the
// pages cited are the docs.slack.dev ones, whose text was checked, and the old
// api.slack.com anchor is given where it is the better-known address.
const (
	// Text object: "The minimum length is 1 and maximum length is 3000
	// characters"; emoji only on plain_text, verbatim only on mrkdwn.
	// https://docs.slack.dev/reference/block-kit/composition-objects/text-object
	// (https://api.slack.com/reference/block-kit/composition-objects#text)
	TextMin = 1
	TextMax = 3000

	// "You can include up to 50 blocks in each message, and 100 blocks in
	// modals or Home tabs."
	// https://docs.slack.dev/reference/block-kit/blocks
	MessageBlocksMax = 50
	ViewBlocksMax    = 100

	// block_id: "Maximum length for this field is 255 characters. block_id
	// should be unique for each message and each iteration of a message" (every
	// block's page, e.g. https://docs.slack.dev/reference/block-kit/blocks/section-block).
	// Its minimum length of 1 is in Slack's Block Kit JSON schema
	// (https://api.slack.com/json-schema/block-kit/input/blocks, republished at
	// https://gist.github.com/bmorton/735dc80697359afd4a0c7d52b901844e).
	BlockIDMax = 255

	// action_id: "Should be unique among all other action_ids in the
	// containing block. Maximum length is 255 characters." (every element's
	// page, e.g. https://docs.slack.dev/reference/block-kit/block-elements/button-element).
	// This package is stricter and wants it unique in the whole message or
	// view, as the bot's handlers look actions up by action_id alone.
	ActionIDMax = 255

	// Section block: text 1–3000, "fields … Maximum number of items is 10.
	// Maximum length for the text in each item is 2000 characters", text or
	// fields required.
	// https://docs.slack.dev/reference/block-kit/blocks/section-block
	// (https://api.slack.com/reference/block-kit/blocks#section)
	SectionTextMax      = 3000
	SectionFieldsMax    = 10
	SectionFieldTextMax = 2000

	// Header block: a plain_text text object, "Maximum length for the text in
	// this field is 150 characters."
	// https://docs.slack.dev/reference/block-kit/blocks/header-block
	HeaderTextMax = 150

	// Context block: "An array of image elements and text objects. Maximum
	// number of items is 10." The minimum of 1 is the JSON schema's (see
	// BlockIDMax).
	// https://docs.slack.dev/reference/block-kit/blocks/context-block
	ContextElementsMin = 1
	ContextElementsMax = 10

	// Actions block: "There is a maximum of 25 elements in each action block";
	// minimum 1 in the JSON schema (see BlockIDMax).
	// https://docs.slack.dev/reference/block-kit/blocks/actions-block
	ActionsElementsMin = 1
	ActionsElementsMax = 25

	// Input block: label and hint are plain_text, "Maximum length for the text
	// in this field is 2000 characters."
	// https://docs.slack.dev/reference/block-kit/blocks/input-block
	InputLabelMax = 2000
	InputHintMax  = 2000

	// Image block: alt_text (required) 2000, image_url 3000, title (plain_text)
	// 2000; image_url or slack_file required.
	// https://docs.slack.dev/reference/block-kit/blocks/image-block
	// The image element has the same image_url limit and a required alt_text:
	// https://docs.slack.dev/reference/block-kit/block-elements/image-element
	ImageAltTextMax = 2000
	ImageURLMax     = 3000
	ImageTitleMax   = 2000

	// Button: text plain_text 75, value 2000, url 3000, accessibility_label
	// 75, style primary or danger.
	// https://docs.slack.dev/reference/block-kit/block-elements/button-element
	// (https://api.slack.com/reference/block-kit/block-elements#button)
	ButtonTextMax               = 75
	ButtonValueMax              = 2000
	ButtonURLMax                = 3000
	ButtonAccessibilityLabelMax = 75

	// Option object: text 75 (plain_text in selects and overflow menus,
	// mrkdwn allowed in radio buttons and checkboxes), description 75, url
	// 3000 and only in overflow menus.
	// https://docs.slack.dev/reference/block-kit/composition-objects/option-object
	//
	// value: the docs disagree. The option object page says "Maximum length
	// for this field is 150 characters"; the Node SDK reference on the same
	// site (https://docs.slack.dev/tools/node-slack-sdk/reference/types/interfaces/PlainTextOption)
	// and the older api.slack.com page say 75. The stricter, 75, is used.
	OptionTextMax        = 75
	OptionValueMax       = 75
	OptionDescriptionMax = 75
	OptionURLMax         = 3000

	// Option group: label plain_text 75, "Maximum of 100 items"; "An
	// option_groups array can have a maximum number of 100 option groups".
	// https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object
	OptionGroupLabelMax   = 75
	OptionGroupOptionsMax = 100

	// Static select (and multi-static select): "Maximum number of options is
	// 100", "Maximum number of option groups is 100"; initial_option "exactly
	// matches one of the options"; placeholder plain_text 150 on every menu.
	// https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select
	// (https://api.slack.com/reference/block-kit/block-elements#static_select)
	SelectOptionsMax      = 100
	SelectOptionGroupsMax = 100
	PlaceholderMax        = 150

	// Multi-select menus: max_selected_items, "Specifies the maximum number of
	// items that can be selected. Minimum number is 1."
	// https://docs.slack.dev/tools/node-slack-sdk/reference/types/interfaces/MaxItemsSelectable
	// (for https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element)
	MaxSelectedItemsMin = 1

	// Radio buttons: "A maximum of 10 options are allowed"; initial_option
	// "exactly matches one of the options".
	// https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element
	RadioOptionsMax = 10

	// Checkboxes: "A maximum of 10 options are allowed"; initial_options
	// "exactly matches one or more of the options".
	// https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element
	CheckboxOptionsMax = 10

	// Overflow menu: the current page says "An array of up to five option
	// objects"; the older one said "Maximum number of options is 5, minimum
	// is 2". The stricter, 2 to 5, is used.
	// https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element
	OverflowOptionsMin = 2
	OverflowOptionsMax = 5

	// Plain-text input: min_length "between 0 and 3000, inclusive",
	// max_length "between 1 and 3000, inclusive"; placeholder 150.
	// https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element
	InputLengthMax = 3000

	// Confirmation dialog: title 100, text 300, confirm and deny 30 (all
	// plain_text), style primary or danger.
	// https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object
	ConfirmTitleMax  = 100
	ConfirmTextMax   = 300
	ConfirmButtonMax = 30

	// Modal view: title (required), close and submit are plain_text of at most
	// 24 characters; "submit is required when an input block is within the
	// blocks array"; private_metadata 3000; callback_id 255.
	// https://docs.slack.dev/reference/views/modal-views
	// (https://api.slack.com/reference/surfaces/views)
	ModalTitleMax      = 24
	ModalButtonMax     = 24
	PrivateMetadataMax = 3000
	CallbackIDMax      = 255

	// views.open, views.push and views.update refuse a view with
	// view_too_large, "if the provided view is greater than 250kb" (the
	// methods' error tables, e.g. https://docs.slack.dev/reference/methods/views.push).
	// 250 kB is taken as 250,000 bytes, the stricter reading.
	ViewBytesMax = 250_000

	// external_id: "Must be unique for all views on a team. Max length of 255
	// characters." https://docs.slack.dev/reference/methods/views.update
	ExternalIDMax = 255

	// Message text. chat.postMessage says: "For best results, limit the number
	// of characters in the text field to 4,000 characters … Slack will
	// truncate messages containing more than 40,000 characters."
	// https://docs.slack.dev/reference/methods/chat.postMessage
	// (https://api.slack.com/methods/chat.postMessage#truncating)
	// In practice chat.postMessage and chat.update now answer msg_too_long
	// above about 4,000: a Slack SDK maintainer says "the 40K truncation is an
	// old requirement and the platform now has a smaller limit"
	// (https://github.com/seratch/ChatGPT-in-Slack/issues/102), and apps report
	// msg_too_long from chat.update (https://github.com/Deeptechia/geppetto/issues/37).
	// The stricter, 4,000, is the limit here; MessageTextTruncated is the old
	// documented one.
	MessageTextMax       = 4000
	MessageTextTruncated = 40000

	// block_suggestion answer: "Users may return a maximum of 100 options or
	// option groups".
	// https://api.slack.com/reference/interaction-payloads/block-suggestion
	SuggestionOptionsMax = 100
)
