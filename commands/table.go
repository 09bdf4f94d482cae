package commands

// The command table, in the order the help lists it. Danish keywords
// first, English after; design.md §4.1 is the contract.
var (
	cmdHelp = &command{id: "help", da: []string{"hjælp", "hjaelp"}, en: []string{"help"}, run: (*call).runHelp}
	cmdLog  = &command{id: "log", run: nil /* logScore, score.go */, opts: []option{
		{name: "citizen", keys: []string{"b", "c", "borger", "citizen"}},
		{name: "date", keys: []string{"dato", "date"}},
	}}
	cmdOverview = &command{id: "overview", run: (*call).runOverview}
	cmdShow     = &command{id: "show", da: []string{"vis"}, en: []string{"show"}, run: (*call).runShow}
	cmdUndo     = &command{id: "undo", da: []string{"fortryd"}, en: []string{"undo"}, run: (*call).runUndo, opts: []option{
		{name: "number", keys: []string{"nr", "no"}}, // a coordinator's cancel: fortryd REF nr:N [grund]
	}}
	cmdNew = &command{id: "new", da: []string{"ny"}, en: []string{"new"}, run: (*call).runNew, opts: []option{
		{name: "plan", keys: []string{"plan"}},
		{name: "due", keys: []string{"frist", "due"}},
		{name: "scale", keys: []string{"skala", "scale"}},
		{name: "target", keys: []string{"mål", "maal", "target"}},
		{name: "every", keys: []string{"hver", "every"}},
		{name: "theme", keys: []string{"tema", "theme"}},
		{name: "baseline", keys: []string{"udgangspunkt", "baseline"}},
		{name: "weight", keys: []string{"vægt", "vaegt", "weight"}},
	}}
	cmdPlan = &command{id: "plan", da: []string{"plan"}, en: []string{"plan"}, run: (*call).runPlan, opts: []option{
		{name: "theme", keys: []string{"tema", "theme"}},
	}}
	cmdRevise = &command{id: "revise", da: []string{"revider"}, en: []string{"revise"}, run: (*call).runRevise, opts: []option{
		{name: "date", keys: []string{"dato", "date"}},
		{name: "next", keys: []string{"næste", "naeste", "next"}},
		{name: "citizen", keys: []string{"borger", "citizen"}},
	}}
	cmdCitizenAdd = &command{id: "citizen_add", da: []string{"borger ny"}, en: []string{"citizen add"}, run: (*call).runCitizenAdd}
	cmdCitizens   = &command{id: "citizens", da: []string{"borgere"}, en: []string{"citizens"}, run: (*call).runCitizens}
	cmdTeamCreate = &command{id: "team_create", da: []string{"team opret"}, en: []string{"team create"}, run: (*call).runTeamCreate}
	cmdTeam       = &command{id: "team", da: []string{"team"}, en: []string{"team"}, run: (*call).runTeam}
	cmdLang       = &command{id: "lang", da: []string{"sprog"}, en: []string{"lang", "language"}, run: (*call).runLang}
	cmdTeamSet    = &command{id: "team_set", da: []string{"team indstil"}, en: []string{"team set"}, run: (*call).runTeamSet, opts: []option{
		{name: "digest", keys: []string{"digest"}},
		{name: "reminder", keys: []string{"påmindelse", "paamindelse", "reminder"}},
		{name: "lang", keys: []string{"sprog", "lang"}},
		{name: "tz", keys: []string{"tz"}},
		{name: "retention", keys: []string{"opbevaring", "retention"}},
	}}
	cmdCoordinator = &command{id: "coordinator", da: []string{"koordinator"}, en: []string{"coordinator"}, run: (*call).runCoordinator}
	cmdAuditLog    = &command{id: "audit", da: []string{"adgangslog"}, en: []string{"audit"}, run: (*call).runAuditLog}
	cmdErase       = &command{id: "erase", da: []string{"borger slet"}, en: []string{"citizen delete"}, run: (*call).runErase}
	cmdContact     = &command{id: "contact", da: []string{"borger kontakt"}, en: []string{"citizen contact"}, run: (*call).runContact}
	cmdDue         = &command{id: "due", da: []string{"frist"}, en: []string{"due"}, run: (*call).runDue}
	cmdAway        = &command{id: "away", da: []string{"fri"}, en: []string{"away"}, run: (*call).runAway}
	cmdChart       = &command{id: "chart", da: []string{"graf"}, en: []string{"chart"}, run: (*call).runChart}
	cmdExport      = &command{id: "export", da: []string{"eksport"}, en: []string{"export"}, run: (*call).runExport}
	// People over time (people.go).
	cmdCoordinatorRemove = &command{id: "coordinator_remove", da: []string{"koordinator fjern"}, en: []string{"coordinator remove"},
		run: (*call).runCoordinatorRemove}
	cmdCitizenMove = &command{id: "citizen_move", da: []string{"borger flyt"}, en: []string{"citizen move"}, run: (*call).runCitizenMove,
		opts: []option{{name: "as", keys: []string{"som", "as"}}}}
	cmdCitizenDischarge = &command{id: "citizen_discharge", da: []string{"borger udskriv"}, en: []string{"citizen discharge"},
		run: (*call).runCitizenDischarge}
	cmdCitizensDischarged = &command{id: "citizens_discharged", da: []string{"borgere udskrevne"}, en: []string{"citizens discharged"},
		run: (*call).runCitizensDischarged}
	cmdEdit = &command{id: "edit", da: []string{"ret"}, en: []string{"edit"}, run: (*call).runEdit, opts: []option{
		{name: "target", keys: []string{"mål", "maal", "target"}},
		{name: "every", keys: []string{"hver", "every"}},
		{name: "due", keys: []string{"frist", "due"}},
		{name: "plan", keys: []string{"plan"}},
		{name: "scale", keys: []string{"skala", "scale"}},
		{name: "theme", keys: []string{"tema", "theme"}},
		{name: "baseline", keys: []string{"udgangspunkt", "baseline"}},
		{name: "weight", keys: []string{"vægt", "vaegt", "weight"}},
	}}
	// cmdGAS describes one GAS level of a goal (gas.go).
	cmdGAS    = &command{id: "gas", da: []string{"gas"}, en: []string{"gas"}, run: (*call).runGAS}
	cmdReopen = &command{id: "reopen", da: []string{"genåbn", "genaabn"}, en: []string{"reopen"}, run: (*call).runReopen, opts: []option{
		{name: "due", keys: []string{"frist", "due"}},
	}}
	cmdPlanClose = &command{id: "plan_close", da: []string{"plan luk"}, en: []string{"plan close"}, run: (*call).runPlanClose}
	// The team's reflection at the staff meeting (reflection.go).
	cmdReflect = &command{id: "reflection", da: []string{"refleksion"}, en: []string{"reflection"}, run: (*call).runReflect,
		opts: []option{{name: "about", keys: []string{"om", "about"}}}}
	cmdReflectShow = &command{id: "reflection_show", da: []string{"refleksion vis"}, en: []string{"reflection show"},
		run: (*call).runReflectShow}
	// The indicator catalogue and the leader's overview (issue 16; themes.go, leader.go).
	cmdThemes       = &command{id: "themes", da: []string{"temaer"}, en: []string{"themes"}, run: (*call).runThemes}
	cmdTeamLeader   = &command{id: "team_leader", da: []string{"team leder"}, en: []string{"team leader"}, run: (*call).runTeamLeader}
	cmdLeaderRemove = &command{id: "team_leader_remove", da: []string{"team leder fjern"}, en: []string{"team leader remove"},
		run: (*call).runLeaderRemove}
	cmdLeaderOverview = &command{id: "leader_overview", da: []string{"overblik"}, en: []string{"overview"}, run: (*call).runLeaderOverview}
	// cmdSnooze is the reminders' button, not typed.
	cmdSnooze = &command{id: "snooze", run: (*call).runSnooze}
)

// table lists every command; help shows them in this order.
var table []*command

func init() {
	table = []*command{cmdLog, cmdOverview, cmdShow, cmdUndo, cmdNew, cmdEdit, cmdGAS, cmdReopen, cmdPlan, cmdPlanClose, cmdRevise,
		cmdDue, cmdChart, cmdExport, cmdCitizenAdd, cmdContact, cmdCitizens, cmdTeamCreate, cmdTeam, cmdTeamSet, cmdCoordinator,
		cmdAway, cmdAuditLog, cmdErase, cmdLang, cmdHelp,
		cmdCoordinatorRemove, cmdCitizenMove, cmdCitizenDischarge, cmdCitizensDischarged,
		cmdReflect, cmdReflectShow, cmdThemes, cmdTeamLeader, cmdLeaderRemove, cmdLeaderOverview}
	for _, c := range []*command{cmdLog, cmdUndo, cmdNew, cmdPlan, cmdRevise, cmdCitizenAdd, cmdTeamCreate, cmdLang, cmdErase,
		cmdContact, cmdSnooze, cmdExport, cmdCoordinatorRemove, cmdCitizenMove, cmdCitizenDischarge,
		cmdEdit, cmdReopen, cmdPlanClose, cmdReflect, cmdTeamLeader, cmdLeaderRemove, cmdGAS} {
		c.writes = true
	}
	reserve()
}
