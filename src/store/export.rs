use super::{Revision, Store, ToolInfo};
use crate::domain::evaluation::{Evaluation, Judgements};
use crate::domain::school::School;

/// Everything in the database, read in one go for exports.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub schools: Vec<School>,
    /// Each stored tool version with its original file text.
    pub tools: Vec<(ToolInfo, String)>,
    pub evaluations: Vec<EvaluationRecord>,
}

#[derive(Debug, Clone)]
pub struct EvaluationRecord {
    pub evaluation: Evaluation,
    pub tool: std::rc::Rc<crate::domain::tool::Tool>,
    pub judgements: Judgements,
    pub history: Vec<Revision>,
    /// Every action drafted from this evaluation, with its check-ins.
    pub actions: Vec<(
        crate::domain::plan::Action,
        Vec<crate::domain::plan::CheckIn>,
    )>,
}

/// What an export holds before its evaluations: schools and tools, small
/// whatever the file's size.
#[derive(Debug, Clone)]
pub struct ExportHead {
    pub schools: Vec<School>,
    pub tools: Vec<(ToolInfo, String)>,
}

impl Store {
    /// Schools and tools, for the start of an export.
    pub fn export_head(&self) -> super::Result<ExportHead> {
        let tools = self
            .all_tools()?
            .into_iter()
            .map(|info| {
                let source = self.tool_source(&info.id, info.version)?;
                Ok((info, source))
            })
            .collect::<super::Result<_>>()?;
        Ok(ExportHead {
            schools: self.schools()?,
            tools,
        })
    }

    /// One evaluation with everything that hangs from it, for an export
    /// that writes one evaluation at a time.
    pub fn evaluation_record(&self, evaluation: Evaluation) -> super::Result<EvaluationRecord> {
        let actions = self
            .actions(evaluation.id)?
            .into_iter()
            .map(|a| {
                let mut c = self.check_ins(a.id)?;
                // Oldest first, as the whole-file export has them.
                c.reverse();
                Ok((a, c))
            })
            .collect::<super::Result<_>>()?;
        Ok(EvaluationRecord {
            tool: self.tool(&evaluation.tool_id, evaluation.tool_version)?,
            judgements: self.judgements(evaluation.id)?,
            history: self.history(evaluation.id, None)?,
            actions,
            evaluation,
        })
    }

    pub fn snapshot(&self) -> super::Result<Snapshot> {
        let tools = self
            .all_tools()?
            .into_iter()
            .map(|info| {
                let source = self.tool_source(&info.id, info.version)?;
                Ok((info, source))
            })
            .collect::<super::Result<_>>()?;
        let mut check_ins = self.all_check_ins()?;
        let evaluations = self
            .evaluations()?
            .into_iter()
            .map(|evaluation| {
                Ok(EvaluationRecord {
                    tool: self.tool(&evaluation.tool_id, evaluation.tool_version)?,
                    judgements: self.judgements(evaluation.id)?,
                    history: self.history(evaluation.id, None)?,
                    actions: self
                        .actions(evaluation.id)?
                        .into_iter()
                        .map(|a| {
                            let c = check_ins.remove(&a.id).unwrap_or_default();
                            (a, c)
                        })
                        .collect(),
                    evaluation,
                })
            })
            .collect::<super::Result<_>>()?;
        Ok(Snapshot {
            schools: self.schools()?,
            tools,
            evaluations,
        })
    }
}
